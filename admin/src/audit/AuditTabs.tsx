import { Tab, Tabs } from '@mui/material';
import { Link, useLocation } from 'react-router-dom';
import { useCan, usePerms } from '../data/use-meta';
import { useFeatureName } from '../data/features';

/**
 * The audit views side by side: the record changes (the audit trail) and every other log of the
 * Audit area (sign-ins), each a list of its own, with its own filters.
 */
export function AuditTabs() {
  const perms = usePerms();
  const { pathname } = useLocation();
  if (!useCan('audit.browse')) return null;
  const trail = useFeatureName('audit-trail');
  const logs = (perms?.resources ?? []).filter((r) => r.area === 'Audit' && r.name !== trail);
  const views = [{ to: `/${trail}`, label: 'Record changes' }, ...logs.map((r) => ({ to: `/${r.name}`, label: r.label }))];
  const current = views.find((v) => pathname === v.to)?.to ?? false;
  return (
    <Tabs value={current} aria-label="Audit views" sx={{ mt: 1 }}>
      {views.map((v) => (
        <Tab key={v.to} value={v.to} label={v.label} component={Link} to={v.to} />
      ))}
    </Tabs>
  );
}
