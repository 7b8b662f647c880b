import type { Feature } from '../../../contract/meta';
import { loadedPermissions } from '../auth/auth-provider';
import type { ResourceMeta } from './meta';
import { useMetaOf, usePerms } from './use-meta';

/**
 * The resource holding a product feature (the audit trail, documents, saved views), as the server
 * declares it: the console names no table of its own.
 */
export function featureName(feature: Feature): string {
  return loadedPermissions()?.features[feature] ?? '';
}

/** The name of the resource holding `feature`, for components. */
export function useFeatureName(feature: Feature): string | undefined {
  return usePerms()?.features[feature];
}

/** That resource's metadata, when the signed-in user may list it. */
export function useFeature(feature: Feature): ResourceMeta | undefined {
  return useMetaOf(useFeatureName(feature));
}

/** The people who act in the audit trail: the resource its `user_id` refers to, when it may be read. */
export function useActors(): ResourceMeta | undefined {
  const trail = useFeature('audit-trail');
  return useMetaOf(trail?.fields.find((f) => f.name === 'user_id')?.reference?.resource);
}
