/**
 * The dashboard's one stylesheet (served by worker/web/assets/routes.ts). System fonts, no framework;
 * light and dark palettes by `prefers-color-scheme`; text/background pairs keep WCAG AA contrast
 * (4.5:1 or better); visible focus rings; one column below 40rem.
 */
export const STYLES = `
:root{--bg:#fbfbfd;--fg:#1b1d22;--muted:#545b66;--card:#fff;--line:#d6dae1;--accent:#2648b5;--accent-fg:#fff;--ok-bg:#e6f4ea;--ok-fg:#14532d;--err-bg:#fdecec;--err-fg:#8a1c1c;--warn-bg:#fff6dc;--warn-fg:#6b4a00;--code:#eef0f4;--bar1:#2648b5;--bar2:#1f7a4d;--bar3:#b3261e;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#111317;--fg:#e8eaee;--muted:#a9b0bb;--card:#1a1d23;--line:#363b45;--accent:#8fb0ff;--accent-fg:#0d1430;--ok-bg:#12301f;--ok-fg:#b7e8c8;--err-bg:#3a1516;--err-fg:#ffc2c0;--warn-bg:#372b07;--warn-fg:#ffe08a;--code:#252932;--bar1:#8fb0ff;--bar2:#6fd39c;--bar3:#ff8f87}}
*{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
body{margin:0}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:2}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.75rem 1.25rem;border-bottom:1px solid var(--line);background:var(--card)}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg)}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:0;padding:0}
nav a{text-decoration:none}nav a[aria-current=page]{font-weight:700;text-decoration:underline}
.who{margin-left:auto;display:flex;gap:.75rem;align-items:center;color:var(--muted)}
main{max-width:72rem;margin:0 auto;padding:1.25rem}
footer{max-width:72rem;margin:2rem auto;padding:0 1.25rem;color:var(--muted);font-size:.9rem}
h1{font-size:1.6rem;margin:.25rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}.card>h2:first-child,.card>:first-child>h2:first-child{margin-top:0}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem 1.25rem;margin:0 0 1rem}
.narrow{max-width:28rem}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr))}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
.check label,label.inline{display:inline;font-weight:400;margin:0 0 0 .35rem}
input,select,textarea{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--muted);border-radius:.35rem;padding:.45rem .6rem;width:100%;max-width:32rem}
input[type=checkbox],input[type=radio]{width:auto}
.hint{color:var(--muted);font-size:.9rem;margin:.2rem 0 0}
.error{color:var(--err-fg);font-size:.95rem;margin:.25rem 0 0}
[aria-invalid=true]{border-color:var(--err-fg);border-width:2px}
button,.button{font:inherit;display:inline-block;cursor:pointer;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);border-radius:.35rem;padding:.45rem .9rem;text-decoration:none;margin-top:.75rem}
button.secondary,.button.secondary{background:transparent;color:var(--accent)}
button.danger{background:var(--err-fg);border-color:var(--err-fg);color:var(--card)}
button.link{background:none;border:none;color:var(--accent);padding:0;margin:0;text-decoration:underline}
td button,td .button,.row button{margin-top:0;padding:.25rem .6rem}
.row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}.row>*{flex:0 1 auto}.row label{margin-top:0}
form.inline{display:inline}
.flash{padding:.75rem 1rem;border-radius:.4rem;margin:0 0 1rem}
.flash.ok{background:var(--ok-bg);color:var(--ok-fg)}.flash.error{background:var(--err-bg);color:var(--err-fg)}.flash.warn{background:var(--warn-bg);color:var(--warn-fg)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.9rem;color:var(--muted)}
.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em;background:var(--code);padding:.1rem .3rem;border-radius:.25rem;word-break:break-all}
.muted{color:var(--muted)}.badge{display:inline-block;font-size:.8rem;padding:0 .4rem;border-radius:1rem;border:1px solid var(--line)}
.badge.ok{background:var(--ok-bg);color:var(--ok-fg)}.badge.off{background:var(--err-bg);color:var(--err-fg)}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
.qr svg{width:12rem;height:12rem;background:#fff;padding:.5rem}
.chart svg{width:100%;height:auto;max-width:40rem}.chart .b1{fill:var(--bar1)}.chart .b2{fill:var(--bar2)}.chart .b3{fill:var(--bar3)}.chart text{fill:var(--muted);font-size:11px}
.legend span{margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.legend .b1{background:var(--bar1)}.legend .b2{background:var(--bar2)}.legend .b3{background:var(--bar3)}
.hero{padding:2rem 0}.hero p{font-size:1.15rem;max-width:40rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media (max-width:40rem){main{padding:.75rem}.who{margin-left:0}table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.5rem 0}table.stack td{display:block;border:none;padding:.15rem 0}table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}.num{text-align:left}}
`.replace(/\n/g, "");
