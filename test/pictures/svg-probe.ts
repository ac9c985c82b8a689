/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Measurements taken inside the page (passed to page.evaluate, so self-contained): every text box from getBBox,
 * every drawn mark's rendered width, and the computed colours of drawn elements and legend swatches per kind.
 */
export interface Box {
  cls: string;
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SvgProbe {
  svgWidth: number;
  labels: Box[];
  marks: Array<{ kind: string; low: number; high: number; width: number }>;
  drawnColours: Record<string, string[]>;
  legendColours: Record<string, string>;
  legendTexts: Record<string, string>;
  ticks: Array<{ x: number; y1: number; y2: number; own: string }>;
}

export function probeSvg(selector: string): SvgProbe {
  const svg = document.querySelector(selector) as SVGSVGElement;
  const labels = [...svg.querySelectorAll<SVGTextElement>('text.label, text.legend-label, text.heading')].map((t) => {
    const b = t.getBBox();
    return { cls: t.getAttribute('class') ?? '', text: t.textContent ?? '', x: b.x, y: b.y, width: b.width, height: b.height };
  });
  const marks = [...svg.querySelectorAll<SVGRectElement>('rect.mark')].map((r) => ({
    kind: r.dataset.kind ?? '',
    low: Number(r.dataset.low),
    high: Number(r.dataset.high),
    width: r.getBoundingClientRect().width,
  }));
  const paint = (el: Element) => {
    const style = getComputedStyle(el);
    return el.tagName === 'line' ? style.stroke : style.fill;
  };
  const drawnColours: Record<string, string[]> = {};
  for (const el of svg.querySelectorAll<SVGElement>('.band, .mark, .marker')) {
    const kind = el.dataset.kind ?? '';
    (drawnColours[kind] ??= []).push(paint(el));
  }
  const legendColours: Record<string, string> = {};
  for (const el of svg.querySelectorAll<SVGElement>('.legend-swatch')) legendColours[el.dataset.kind ?? ''] = paint(el);
  const legendTexts: Record<string, string> = {};
  for (const el of svg.querySelectorAll<SVGElement>('.legend-label')) legendTexts[el.dataset.kind ?? ''] = el.textContent ?? '';
  const ticks = [...svg.querySelectorAll<SVGLineElement>('line.tick')].map((l) => ({
    x: l.x1.baseVal.value,
    y1: l.y1.baseVal.value,
    y2: l.y2.baseVal.value,
    // Each tick is followed by its own label.
    own: (l.nextElementSibling as SVGTextElement | null)?.textContent ?? '',
  }));
  return { svgWidth: svg.getBoundingClientRect().width, labels, marks, drawnColours, legendColours, legendTexts, ticks };
}

/** Tick lines that run through a label box other than their own. */
export function ticksThroughLabels(probe: Pick<SvgProbe, 'labels' | 'ticks'>): string[] {
  const found: string[] = [];
  for (const t of probe.ticks) {
    for (const b of probe.labels.filter((l) => l.cls === 'label' && l.text !== t.own)) {
      if (t.x > b.x && t.x < b.x + b.width && t.y1 < b.y + b.height && b.y < t.y2) found.push(`tick of "${t.own}" crosses "${b.text}"`);
    }
  }
  return found;
}

/** Pairs of boxes that intersect (touching edges do not count). */
export function overlaps(boxes: readonly Box[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
        found.push(`${a.cls} "${a.text}" overlaps ${b.cls} "${b.text}"`);
      }
    }
  }
  return found;
}
