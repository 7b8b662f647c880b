import { defaultI18nProvider, type I18nProvider } from 'react-admin';
import { loadedPermissions } from '../auth/auth-provider';

/** Where react-admin's English wording does not fit this console. */
const OVERRIDES: Record<string, string> = {
  'ra.auth.username': 'Email',
  'ra.notification.item_doesnt_exist': 'That record does not exist, or you may not see it',
  // The Not Found page adds its own full stop after this sentence.
  'ra.message.not_found': 'Either you typed a wrong address, or you followed a link to a page that does not exist',
  'ra.notification.http_error': 'The server could not be reached or did not answer: try again',
};

const VERBS: Record<string, string> = { updated: 'saved', created: 'created', deleted: 'deleted' };

/**
 * react-admin asks for `resources.<name>.notifications.updated|created|deleted` before its generic
 * "Element updated": answered here with the resource's own words from GET /api/meta
 * ("Student saved", "3 fee schedule codes deleted").
 */
function resourceNotification(key: string, options?: { smart_count?: number }): string | null {
  const match = /^resources\.(\w+)\.notifications\.(updated|created|deleted)$/.exec(key);
  const meta = match && loadedPermissions()?.resources.find((r) => r.name === match[1]);
  if (!match || !meta) return null;
  const count = options?.smart_count ?? 1;
  return count === 1 ? `${meta.singular} ${VERBS[match[2]]}` : `${count} ${meta.label.toLowerCase()} ${VERBS[match[2]]}`;
}

export const i18nProvider: I18nProvider = {
  ...defaultI18nProvider,
  translate: (key, options) => resourceNotification(key, options) ?? (key in OVERRIDES ? OVERRIDES[key] : defaultI18nProvider.translate(key, options)),
};
