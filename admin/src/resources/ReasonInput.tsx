import { TextInput } from 'react-admin';
import { pendingReason } from '../data/data-provider';

export const REASON = '__change_reason';

/** Shown where a resource declares `askReason` (claims, students): recorded on the audit rows. */
export function ReasonInput() {
  return <TextInput source={REASON} label="Reason for this change" helperText="Recorded in the record's history" fullWidth />;
}

/** Form transform: the reason leaves the record and travels as the X-Change-Reason header. */
export function withoutReason(data: Record<string, unknown>) {
  const { [REASON]: reason, ...rest } = data;
  pendingReason.value = typeof reason === 'string' && reason.trim() ? reason.trim() : null;
  return rest;
}
