import type { Page } from 'playwright-core';

/** How far the page is wider than the window (0 when it never scrolls sideways). */
export const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * Controls and headings drawn over one another, as the user sees the page now: every visible
 * button, link, input, tab and list heading, and each pair whose boxes intersect by more than 2 px
 * (one inside the other is nesting, not overlap), each by the part of it that shows. Left out: the
 * floating Create button (Material's FAB floats over content by design), the bulk-action bar while
 * it is folded away, and what is scrolled out of its own box.
 */
export async function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'button, a[href], input:not([type="hidden"]), textarea, [role="tab"], [role="button"], [role="menuitem"], .MuiListSubheader-root';
    // The part of an element its scrolling or clipping ancestors let show (a tab scrolled half out
    // of its strip shows only its visible half), or null when none of it shows.
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      let [left, top, right, bottom] = [r.left, r.top, r.right, r.bottom];
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const box = p.getBoundingClientRect();
        [left, top, right, bottom] = [Math.max(left, box.left), Math.max(top, box.top), Math.min(right, box.right), Math.min(bottom, box.bottom)];
      }
      return right - left > 2 && bottom - top > 2 ? { left, top, right, bottom } : null;
    };
    const shown = [...document.querySelectorAll(selector)]
      .filter((el) => !el.closest('.MuiFab-root, .RaBulkActionsToolbar-collapsed, [aria-hidden="true"], .MuiPopover-root, .MuiModal-root, .MuiTooltip-popper'))
      .filter((el) => getComputedStyle(el).visibility !== 'hidden' && Number(getComputedStyle(el).opacity) > 0.05)
      .map((el) => ({ el, r: visible(el) }))
      .filter((e): e is { el: Element; r: { left: number; top: number; right: number; bottom: number } } => e.r !== null);
    const name = (el: Element) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
    const found: string[] = [];
    for (let i = 0; i < shown.length; i++) {
      for (let j = i + 1; j < shown.length; j++) {
        const a = shown[i], b = shown[j];
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (x > 2 && y > 2) found.push(`${name(a.el)} and ${name(b.el)} overlap by ${Math.round(x)}×${Math.round(y)} px`);
      }
    }
    return found.slice(0, 5);
  });
}

/**
 * What is wrong with the layout once it has settled after a resize: polled for up to `ms` (a
 * loaded machine redraws late), the last findings if it never comes right.
 */
export async function layoutProblems(page: Page, ms = 3_000): Promise<string[]> {
  const until = Date.now() + ms;
  for (;;) {
    const over = await overflow(page);
    const found = [...(over > 1 ? [`${over} px wider than the window`] : []), ...(await overlaps(page))];
    if (found.length === 0 || Date.now() > until) return found;
    await page.waitForTimeout(200);
  }
}
