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

/**
 * Names of the resources the user may read, or read the labels of: references to them show what
 * they name (linked where the user may show them); references to others show raw values.
 */
export function useReadable(): Set<string> {
  const perms = usePerms();
  return new Set([...(perms?.resources ?? []), ...(perms?.labels ?? [])].map((r) => r.name));
}
