import { useEffect } from 'react';

/**
 * react-admin's row and "select all" checkboxes put their aria-label on MUI's wrapping <span>
 * (where the attribute is not allowed) and leave the <input> unnamed: screen readers announce an
 * unlabelled checkbox. The label is moved to the input as the rows are drawn.
 */
const UNNAMED = '.RaDatagrid-checkbox[aria-label], .RaDatagrid-headerCell .select-all[aria-label], .select-item[aria-label], .select-all[aria-label]';

function fix(root: ParentNode) {
  for (const wrapper of root.querySelectorAll<HTMLElement>(UNNAMED)) {
    const input = wrapper.querySelector('input');
    if (!input || wrapper.tagName === 'INPUT') continue;
    input.setAttribute('aria-label', wrapper.getAttribute('aria-label')!);
    wrapper.removeAttribute('aria-label');
  }
}

export function AriaFixes() {
  useEffect(() => {
    fix(document);
    const observer = new MutationObserver(() => fix(document));
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
    return () => observer.disconnect();
  }, []);
  return null;
}
