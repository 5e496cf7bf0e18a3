export interface TreemapRect<T> {
  item: T;
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Squarified treemap (Bruls, Huizing, van Wijk 2000): lays items out in rows along the shorter
 * side, closing a row when adding the next item would make its worst aspect ratio worse.
 */
export function squarify<T>(items: T[], weight: (item: T) => number, width: number, height: number): TreemapRect<T>[] {
  const sorted = items.filter((i) => weight(i) > 0).sort((a, b) => weight(b) - weight(a));
  const total = sorted.reduce((s, i) => s + weight(i), 0);
  const out: TreemapRect<T>[] = [];
  if (total === 0) return out;
  const scale = (width * height) / total;
  let x = 0;
  let y = 0;
  let w = width;
  let h = height;
  let row: T[] = [];
  const area = (i: T) => weight(i) * scale;
  const worst = (r: T[], side: number) => {
    const sum = r.reduce((s, i) => s + area(i), 0);
    const max = Math.max(...r.map(area));
    const min = Math.min(...r.map(area));
    return Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
  };
  const layRow = (r: T[]) => {
    const sum = r.reduce((s, i) => s + area(i), 0);
    if (w >= h) {
      // A column on the left, items stacked top to bottom.
      const colW = sum / h;
      let cy = y;
      for (const i of r) {
        const ih = area(i) / colW;
        out.push({ item: i, x, y: cy, w: colW, h: ih });
        cy += ih;
      }
      x += colW;
      w -= colW;
    } else {
      const rowH = sum / w;
      let cx = x;
      for (const i of r) {
        const iw = area(i) / rowH;
        out.push({ item: i, x: cx, y, w: iw, h: rowH });
        cx += iw;
      }
      y += rowH;
      h -= rowH;
    }
  };
  for (const item of sorted) {
    const side = Math.min(w, h);
    if (row.length === 0 || worst([...row, item], side) <= worst(row, side)) {
      row.push(item);
    } else {
      layRow(row);
      row = [item];
    }
  }
  if (row.length > 0) layRow(row);
  return out;
}
