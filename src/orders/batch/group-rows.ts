/**
 * Sheet rows → orders, grouped by externalRef in first-seen order. Pure: every row is checked
 * here (required cells, whole positive quantities, one ship-to per order) so that an order with
 * any bad row is reported and never placed, while the other orders go ahead.
 */
import type { BatchOrder, BatchProblem } from './batch-order.js';
import type { SheetRow } from './sheet.js';

/** Upper bound of one line's quantity, as for single orders. */
const MAX_QTY = 1_000_000;

function rowProblems(sheetRow: SheetRow): BatchProblem[] {
  const { row, cells, problem } = sheetRow;
  if (problem) return [{ row, field: 'row', message: `row ${row}: ${problem}` }];
  const problems: BatchProblem[] = [];
  for (const field of ['externalRef', 'shipTo', 'sku', 'qty'] as const) {
    if (!cells[field]) problems.push({ row, field, message: `row ${row}: ${field} is missing` });
  }
  const qty = cells.qty;
  if (qty && !(/^\d+$/.test(qty) && Number(qty) >= 1 && Number(qty) <= MAX_QTY)) {
    problems.push({ row, field: 'qty', message: `row ${row}: qty "${qty}" is not a whole number from 1 to ${MAX_QTY}` });
  }
  return problems;
}

interface Group {
  externalRef: string | undefined;
  rows: SheetRow[];
  problems: BatchProblem[];
}

export function groupRows(sheetRows: readonly SheetRow[]): BatchOrder[] {
  const groups = new Map<string, Group>();
  for (const sheetRow of sheetRows) {
    const externalRef = sheetRow.cells.externalRef;
    // A row without externalRef belongs to no order: it stands alone, reported as invalid.
    const key = externalRef === undefined ? `\u0000row ${sheetRow.row}` : externalRef;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { externalRef, rows: [], problems: [] }));
    group.rows.push(sheetRow);
    group.problems.push(...rowProblems(sheetRow));
    const first = group.rows[0]!;
    const { shipTo } = sheetRow.cells;
    if (shipTo && first.cells.shipTo && shipTo !== first.cells.shipTo) {
      group.problems.push({
        row: sheetRow.row,
        field: 'shipTo',
        message: `row ${sheetRow.row}: ${externalRef} ships to ${first.cells.shipTo} on row ${first.row} but to ${shipTo} here; one order has one ship-to`,
      });
    }
  }
  return [...groups.values()].map((group, index) => toOrder(group, index));
}

function toOrder(group: Group, index: number): BatchOrder {
  const { externalRef, rows, problems } = group;
  const base = { index, externalRef, rows: rows.map((r) => r.row), problems };
  if (problems.length > 0) return { ...base, request: undefined };
  const notes = [...new Set(rows.map((r) => r.cells.note).filter((note): note is string => !!note))];
  return {
    ...base,
    request: {
      externalRef,
      shipTo: rows[0]!.cells.shipTo!,
      lines: rows.map((r) => ({ sku: r.cells.sku!, qty: Number(r.cells.qty) })),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    },
  };
}
