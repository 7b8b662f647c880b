import { useEffect } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { useDataProvider } from 'react-admin';
import type { FieldMeta, ResourceMeta } from '../data/meta';
import { usePerms } from '../data/use-meta';

interface Pair {
  /** The field the caller's scope allows several values for (a district admin's `district`). */
  name: string;
  allowed: unknown[];
  /** A reference in the same form whose target has a field of that name (claim.student_ssid -> student.district). */
  ref: FieldMeta;
}

function Watcher({ pairs }: { pairs: Pair[] }) {
  const { getValues, setValue } = useFormContext();
  const dataProvider = useDataProvider();
  const keys = useWatch({ name: pairs.map((p) => p.ref.name) }) as unknown[];
  const signature = JSON.stringify(keys);
  useEffect(() => {
    pairs.forEach((p, i) => {
      const key = keys[i];
      if (key === null || key === undefined || key === '' || getValues(p.name)) return;
      const target = p.ref.reference!;
      dataProvider
        .getList(target.resource, { filter: { [target.field]: key }, pagination: { page: 1, perPage: 1 }, sort: { field: 'id', order: 'ASC' } })
        .then(({ data }) => {
          const value = data[0]?.[p.name];
          if (value !== null && value !== undefined && p.allowed.includes(value) && !getValues(p.name)) setValue(p.name, value, { shouldDirty: true });
        })
        .catch(() => undefined);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  return null;
}

/**
 * A field the caller's scope allows several values for starts from the chosen referenced record
 * when that record has it too: a district admin's new claim takes the district of the student
 * picked, if it is one of theirs (otherwise they choose).
 */
export function FillFromReference({ meta }: { meta: ResourceMeta }) {
  const perms = usePerms();
  const pairs: Pair[] = Object.entries(meta.scopeChoices ?? {})
    .filter(([, allowed]) => allowed.length > 1)
    .flatMap(([name, allowed]) =>
      meta.fields
        .filter((f) => f.reference && !f.readOnly && f.name !== name)
        .filter((f) => perms?.resources.find((r) => r.name === f.reference!.resource)?.fields.some((t) => t.name === name))
        .map((ref) => ({ name, allowed, ref })),
    );
  return pairs.length ? <Watcher pairs={pairs} /> : null;
}
