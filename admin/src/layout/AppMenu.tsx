import HistoryIcon from '@mui/icons-material/History';
import SecurityIcon from '@mui/icons-material/Security';
import { ListSubheader } from '@mui/material';
import { Menu } from 'react-admin';
import { useCan, usePerms } from '../data/use-meta';
import { useFeature } from '../data/features';

/**
 * Area headings scroll with the menu (sticky ones were drawn over its items) and are presentational:
 * a menu holds menu items only, for screen readers each item names its resource.
 */
const HEADING = { lineHeight: '32px', mt: 1, bgcolor: 'transparent', color: 'text.secondary' } as const;

const AREAS = ['Students & services', 'Claims & billing', 'Reference data', 'Users & access', 'Personal'];

/** Menu from the caller's meta: by area, join tables left to their parents, audit and matrix if allowed. */
export function AppMenu() {
  const perms = usePerms();
  const canBrowse = useCan('audit.browse');
  const canManage = useCan('permission.manage');
  const trail = useFeature('audit-trail');
  const resources = (perms?.resources ?? []).filter((r) => r.editedFrom.length === 0 && r.feature !== 'audit-trail');
  return (
    <Menu>
      <Menu.DashboardItem />
      {AREAS.map((area) => {
        const inArea = resources.filter((r) => r.area === area);
        if (inArea.length === 0) return null;
        return [
          <ListSubheader key={area} component="div" role="presentation" disableSticky sx={HEADING}>
            {area}
          </ListSubheader>,
          ...inArea.map((r) => <Menu.ResourceItem key={r.name} name={r.name} />),
        ];
      })}
      {(canBrowse || canManage) && <ListSubheader component="div" role="presentation" disableSticky sx={HEADING}>Audit & access</ListSubheader>}
      {canBrowse && trail && <Menu.Item to={`/${trail.name}`} primaryText="Audit trail" leftIcon={<HistoryIcon />} />}
      {/* The other logs of the Audit area (sign-ins): lists of their own, beside the record changes. */}
      {canBrowse && (perms?.resources ?? []).filter((r) => r.area === 'Audit' && r !== trail).map((r) => <Menu.ResourceItem key={r.name} name={r.name} />)}
      {canManage && !!useFeature('permissions') && <Menu.Item to="/permissions" primaryText="Permission matrix" leftIcon={<SecurityIcon />} />}
    </Menu>
  );
}
