// Turns `tmux capture-pane -e -p` output (SGR colour escapes) into an HTML page that looks like the terminal.
const PALETTE = ['#2e3436', '#ef2929', '#8ae234', '#fce94f', '#729fcf', '#ad7fa8', '#34e2e2', '#eeeeec'];
const escape = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function ansiToHtml(text, title) {
  let state = { fg: null, bold: false, dim: false };
  let html = '';
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (m) {
      for (const code of (m[1] || '0').split(';').map(Number)) {
        if (code === 0) state = { fg: null, bold: false, dim: false };
        else if (code === 1) state.bold = true;
        else if (code === 2) state.dim = true;
        else if (code === 22) state = { ...state, bold: false, dim: false };
        else if (code === 39) state.fg = null;
        else if (code >= 30 && code <= 37) state.fg = PALETTE[code - 30];
        else if (code >= 90 && code <= 97) state.fg = PALETTE[code - 90];
      }
      continue;
    }
    if (!part) continue;
    const style = [state.fg && `color:${state.fg}`, state.bold && 'font-weight:bold', state.dim && 'opacity:.7'].filter(Boolean).join(';');
    html += style ? `<span style="${style}">${escape(part)}</span>` : escape(part);
  }
  return `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1e1e1e">
<div id="term" style="display:inline-block;background:#1e1e1e;color:#eeeeec;padding:12px 16px;border-radius:6px;font:13px/1.35 'DejaVu Sans Mono',monospace">
<div style="color:#888;margin-bottom:6px">${escape(title)}</div><pre style="margin:0;font:inherit">${html}</pre></div></body>`;
}
