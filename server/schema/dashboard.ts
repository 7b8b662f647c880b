import { SYSTEM_EMAIL } from '../db/system-user.js';

/**
 * The console's dashboard, declared: which figures exist, each an aggregate of one resource
 * (`GET /api/<resource>/aggregate`, counted within the caller's reach) or its newest rows. A caller
 * sees the figures of the sections their permissions open and whose resource they may list; the
 * console draws them generically and links each to the filtered list behind it. Nothing else in the
 * server or the console names these tables.
 */
type Chart = 'bars' | 'stacked-bars' | 'lines' | 'number' | 'recent';

export interface FigureDeclaration {
  id: string;
  title: string;
  /** What the figure is for, in a sentence (shown under its title). */
  description: string;
  resource: string;
  chart: Chart;
  /** The list filter counted, from today's date (relative windows: the last 30 days). */
  filter?: (today: string) => Record<string, unknown>;
  /** Group keys, as the aggregate route takes them (`service_date:month`, `status`). */
  group?: string[];
  /** Fields summed per group (money). */
  sum?: string[];
}

interface SectionDeclaration {
  title: string;
  /** A permission the section needs beyond listing its figures' resources. */
  needs?: string;
  figures: FigureDeclaration[];
}

/** `today` less `days` days, as YYYY-MM-DD. */
function daysBefore(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** The first day of the month `months` months before today's. */
function monthsBefore(today: string, months: number): string {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}

const last30Days = (today: string) => ({ occurred_at_gte: daysBefore(today, 29) });

export const DASHBOARD: SectionDeclaration[] = [
  {
    title: 'Activity',
    needs: 'audit.browse',
    figures: [
      { id: 'changes-by-table', title: 'Changes per day by table', description: 'Recorded changes of the last 30 days, by the table changed.', resource: 'audit_log', chart: 'stacked-bars', filter: last30Days, group: ['occurred_at:day', 'table_name'] },
      { id: 'changes-by-user', title: 'Changes per day by user', description: 'Recorded changes of the last 30 days, by the person who made them.', resource: 'audit_log', chart: 'stacked-bars', filter: last30Days, group: ['occurred_at:day', 'user_id'] },
      { id: 'undos', title: 'Undone changes per day', description: 'Changes undone in the last 30 days, per day (each undo is itself a recorded change).', resource: 'audit_log', chart: 'bars', filter: (today) => ({ ...last30Days(today), undo: true }), group: ['occurred_at:day'] },
      { id: 'conflicts', title: 'Write conflicts per day', description: 'Saves refused in the last 30 days because someone else had changed the record since it was opened.', resource: 'write_conflict', chart: 'bars', filter: last30Days, group: ['occurred_at:day'] },
      { id: 'recent-actions', title: 'Recent actions', description: 'The newest recorded changes.', resource: 'audit_log', chart: 'recent' },
    ],
  },
  {
    title: 'Billing',
    figures: [
      { id: 'claims-by-status', title: 'Claims by status per month', description: 'Claims by month of service over the last two years, by status.', resource: 'claim', chart: 'stacked-bars', filter: (today) => ({ service_date_gte: monthsBefore(today, 23) }), group: ['service_date:month', 'status'] },
      { id: 'billed-vs-paid', title: 'Billed and paid per month', description: 'Amounts billed and paid, by month of service over the last two years.', resource: 'claim', chart: 'lines', filter: (today) => ({ service_date_gte: monthsBefore(today, 23) }), group: ['service_date:month'], sum: ['billed_amount', 'paid_amount'] },
      { id: 'rejected-by-reason', title: 'Rejected claims by reason', description: 'Rejected claims by the denial code of their remittance advice.', resource: 'claim', chart: 'bars', filter: () => ({ status: 'Rejected' }), group: ['denial_code'] },
    ],
  },
  {
    title: 'Casework',
    figures: [
      { id: 'services-by-status', title: 'Services by status per month', description: 'Services by month over the last year, by status.', resource: 'service', chart: 'stacked-bars', filter: (today) => ({ service_date_gte: monthsBefore(today, 11) }), group: ['service_date:month', 'status'] },
    ],
  },
  {
    title: 'Reference data health',
    needs: 'permission.manage',
    figures: [
      { id: 'fee-codes-without-rate', title: 'Fee codes without a rate', description: 'Fee schedule codes whose rate is not recorded.', resource: 'fee_schedule_code', chart: 'number', filter: () => ({ rate_amount_null: true }) },
      { id: 'expired-qualifications', title: 'Expired qualifications', description: "Users' qualifications whose expiration date has passed.", resource: 'user_qualification', chart: 'number', filter: (today) => ({ expiration_date_lt: today }) },
      { id: 'users-without-practitioner-type', title: 'Users without a practitioner type', description: 'Active users with no practitioner type recorded.', resource: 'app_user', chart: 'number', filter: () => ({ status: 'Active', email_neq: SYSTEM_EMAIL, department_neq: 'API keys', without_practitioner_type: true }) },
    ],
  },
];
