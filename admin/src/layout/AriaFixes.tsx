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

/**
 * A list row's expand arrow (the audit trail's diff) is a <div> with tabindex=-1 and aria-hidden in
 * react-admin: out of reach of the keyboard and unnamed for screen readers. It becomes a button in
 * the tab order, named for what it shows, that Enter and Space open and close.
 */
const EXPAND = '.RaDatagrid-expandIcon';

function fixExpand(root: ParentNode) {
  for (const el of root.querySelectorAll<HTMLElement>(EXPAND)) {
    if (el.getAttribute('aria-hidden') !== null) el.removeAttribute('aria-hidden');
    if (el.tabIndex !== 0) el.tabIndex = 0;
    if (el.getAttribute('role') !== 'button') el.setAttribute('role', 'button');
    // The header's arrow opens or closes every row of the page.
    const label = `${el.getAttribute('aria-expanded') === 'true' ? 'Hide' : 'Show'} details${el.closest('thead') ? ' of every row' : ''}`;
    if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);
    if (el.dataset.keyboard) continue;
    el.dataset.keyboard = 'true';
    el.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      event.stopPropagation();
      el.click();
    });
  }
}

export function AriaFixes() {
  useEffect(() => {
    fix(document);
    fixExpand(document);
    const observer = new MutationObserver(() => {
      fix(document);
      fixExpand(document);
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label', 'aria-expanded', 'aria-hidden', 'tabindex'] });
    return () => observer.disconnect();
  }, []);
  return null;
}
