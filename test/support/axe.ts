/** axe-core and a sideways-overflow probe for pages in headless Chromium (the web-*.test.ts files). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's violations on the page as it is now (the page's context needs `bypassCsp`). */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE });
  // A string: test/ has no DOM types.
  const result = await page.evaluate<{ violations: AxeViolation[] }>(`axe.run(document, { resultTypes: ['violations'] })`);
  return result.violations;
}

/** The innermost elements that reach past the right edge of the screen, to say what overflows. */
export async function overflowing(page: Page, width: number): Promise<string> {
  return page.evaluate<string>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right <= ${width} + 0.5 || box.width === 0) continue;
      if ([...el.children].some((c) => c.getBoundingClientRect().right > ${width} + 0.5)) continue;
      let scrolled = false;
      for (let p = el.parentElement; p; p = p.parentElement) if (p.scrollWidth > p.clientWidth && getComputedStyle(p).overflowX !== 'visible') scrolled = true;
      if (!scrolled) out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' → ' + Math.round(box.right));
    }
    return out.slice(0, 8).join(', ');
  })()`);
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `  ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}
