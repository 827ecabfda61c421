// Audit: export a range of final blocks' audit records from the node, or open an export file of
// `bpci-node export-audit`, and verify it in the page (src/audit.ts, src/verifier.ts) from the
// trusted genesis set: final, complete, unchanged. Rows are shown only once verified, their kind
// and fields decoded from the proven bytes with the node's metadata (labelled as such: the
// metadata is not proven).
import type { Ctx } from '../ctx';
import { decodeRecord, encodeTrail, parseExport, readTrail, type Trail } from '../audit';
import { trustTable, type Trust } from '../trust';
import { verifyAudit, type AuditVerdict } from '../verifier';
import { errorBox, h, kv, section, short, val } from '../lib';

/// Rows shown at most; the verdict covers all of them.
const SHOW = 500;

export function mountAudit(root: HTMLElement, ctx: Ctx): void {
  const { api, tracker } = ctx;
  const genesis = api.genesisHash.toHex();
  const trustBox = h('div');
  const result = h('div', { 'data-testid': 'audit-result' });
  const fin = tracker.finalized?.number ?? 0;
  const from = h('input', { type: 'number', min: 0, 'data-testid': 'audit-from', value: Math.max(1, fin - 20) });
  const to = h('input', { type: 'number', min: 0, 'data-testid': 'audit-to', value: Math.max(1, fin - 1) });
  const file = h('input', { type: 'file', accept: '.jsonl,.json', 'data-testid': 'audit-file' });
  let trust: Trust | null = null;

  const show = (source: string, trail: Trail, v: AuditVerdict) => {
    const rows = v.ok ? trail.rows : [];
    const decoded = rows.map((r) => ({ r, ...decodeRecord(api, r.record) }));
    // A file's readable kind must be what its bytes say, as verify-audit requires.
    const relabelled = decoded.findIndex((d) => d.r.fileKind !== undefined && d.r.fileKind !== d.kind);
    const ok = v.ok && relabelled < 0;
    const reason = !v.ok ? v.reason : relabelled >= 0
      ? `row ${relabelled + 1} (block #${decoded[relabelled].r.block}): its readable kind "${decoded[relabelled].r.fileKind}" is not what its record says (${decoded[relabelled].kind})`
      : 'verified';
    const p = v.proven;
    const incomplete = p?.incompleteBlocks ?? [];
    result.replaceChildren(
      kv([
        ['source', val('audit-source', source)],
        ['blocks', h('span', {}, '#', val('audit-range-from', trail.from), '..#', val('audit-range-to', trail.to))],
        // As `bpci-node verify-audit`, a range with blocks whose log refused records is not called
        // complete (the CLI refuses it without --allow-incomplete).
        ['verified in page', val('audit-verified', !ok ? 'no' : incomplete.length > 0 ? 'incomplete' : 'yes', !ok
          ? `FAILS: ${reason}`
          : incomplete.length > 0
            ? `final and unchanged (set #${p!.setId} reached from trusted set #${trust!.setId}), but NOT complete: ${incomplete.length} block(s) refused records their log could not hold`
            : `yes: final by set #${p!.setId} reached from trusted set #${trust!.setId}, and complete: every record blocks #${trail.from}..#${trail.to} committed to`)],
        ['verdict', val('audit-verdict', reason)],
        ['checkpoint', p ? h('span', {}, '#', val('audit-checkpoint', p.checkpoint), ' ', short(trail.checkpoint.hash)) : '-'],
        ['records', val('audit-records', p ? p.records : '-')],
        ['incomplete blocks', val('audit-incomplete', incomplete.map((b) => `#${b.block} (${b.dropped} refused)`).join(', ') || 'none')],
      ]),
      ok
        ? h('table', { class: 'rows' },
          h('tr', {}, h('th', {}, 'block'), h('th', {}, 'index'), h('th', {}, 'kind'), h('th', {}, 'fields (the proven bytes, read with the node\'s metadata)')),
          ...decoded.slice(0, SHOW).map(({ r, kind, fields }) => h('tr', { 'data-testid': 'audit-row', 'data-block': r.block, 'data-index': r.index, 'data-kind': kind, 'data-record': r.record },
            h('td', {}, `#${r.block}`), h('td', {}, r.index), h('td', {}, kind), h('td', { class: 'fields' }, fields))))
        : h('p', { class: 'note' }, 'No row is shown: nothing in this trail is proven.'),
      ok ? h('p', { class: 'note' }, 'The verdict covers each record\'s bytes. Their kind and fields are read with the metadata the node serves, which nothing proves: for a reading you can rely on, run bpci-node verify-audit, which reads them with the runtime\'s own types.') : '',
      decoded.length > SHOW ? h('p', { class: 'note' }, `first ${SHOW} of ${decoded.length} rows shown`) : '',
    );
    result.dataset.done = String(Number(result.dataset.done ?? 0) + 1);
  };

  const run = async (source: string, get: () => Promise<Trail>) => {
    result.replaceChildren(h('p', { class: 'note' }, 'reading and verifying…'));
    try {
      if (!trust) throw new Error('no trusted set');
      const trail = await get();
      show(source, trail, await verifyAudit(genesis, trust.set, encodeTrail(trail)));
    } catch (e) {
      result.replaceChildren(errorBox(e));
      result.dataset.done = String(Number(result.dataset.done ?? 0) + 1);
    }
  };

  const exportButton = h('button', {
    'data-testid': 'audit-export',
    onclick: () => void run('exported from the node', () => readTrail(api, Number(from.value), Number(to.value), trust!.setId)),
  }, 'Export and verify');
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (f) void run(`file ${f.name}`, async () => parseExport(await f.text(), genesis));
  });

  root.append(
    section('Trusted validator set', h('p', { class: 'note' },
      'Finality is proven from this set, following the set hand-overs since; nothing else the node says is trusted.'), trustBox),
    section('Export a range', h('p', { class: 'note' },
      'Reads the records of final blocks and their proofs from the node, as bpci-node export-audit does, and checks them here.'),
      h('label', {}, 'from #', from), ' ', h('label', {}, 'to #', to), ' ', exportButton),
    section('Verify an export file', h('p', { class: 'note' },
      'A JSONL export of bpci-node export-audit. Readable kinds are compared with the records; fields are shown as decoded here, not as the file says (bpci-node verify-audit compares them too).'), file),
    section('Result', result),
  );

  void ctx.trust.then((t) => {
    trust = t;
    trustBox.replaceChildren(trustTable(t));
    root.dataset.ready = '1';
  }, (e) => {
    trustBox.replaceChildren(errorBox(e));
    root.dataset.ready = '1';
  });
}
