import { usePermissions, useResourceContext } from 'react-admin';
import type { Permissions, ResourceMeta } from './meta';

export function usePerms(): Permissions | undefined {
  return usePermissions<Permissions>().permissions;
}

export function useMetaOf(name: string | undefined): ResourceMeta | undefined {
  return usePerms()?.resources.find((r) => r.name === name);
}

/** The metadata of the resource in context. */
export function useResourceMeta(): ResourceMeta | undefined {
  return useMetaOf(useResourceContext());
}

export function useCan(permission: string): boolean {
  return usePerms()?.granted.includes(permission) ?? false;
}

/** Names of the resources the user may read: references to others show raw values. */
export function useReadable(): Set<string> {
  return new Set((usePerms()?.resources ?? []).map((r) => r.name));
}
