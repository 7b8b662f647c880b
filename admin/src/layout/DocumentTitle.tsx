import { useEffect } from 'react';

export const APP_TITLE = 'KCSOS admin';

/**
 * Browser tabs and history name the page: react-admin renders each page's title into
 * #react-admin-title, and this mirrors that text into document.title ("Student: Ortiz, Ana — KCSOS admin").
 */
export function DocumentTitle() {
  useEffect(() => {
    const update = () => {
      const text = document.getElementById('react-admin-title')?.textContent?.trim();
      const title = text && text !== APP_TITLE ? `${text} — ${APP_TITLE}` : APP_TITLE;
      if (document.title !== title) document.title = title;
    };
    const observer = new MutationObserver(update);
    // The app bar (and so the title's element) is rendered before the page inside the layout.
    observer.observe(document.getElementById('react-admin-title') ?? document.body, { childList: true, subtree: true, characterData: true });
    update();
    return () => observer.disconnect();
  }, []);
  return null;
}
