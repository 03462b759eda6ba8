// The board page. Everything is inline (no fonts, scripts or images from elsewhere: the
// aggregator's LAN may have no Internet, and the Content-Security-Policy the server sends
// forbids any other origin). Labels are in Bahasa Indonesia for BKD staff; the `reason` lines
// stay in English for the admin. The script builds every element with textContent, never
// innerHTML, so no unit id or reason can inject markup.
#include "board_page.h"

namespace titip::aggregator {
namespace {

constexpr const char* kHead = R"HTML(<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Papan Status Absensi - titip</title>
<noscript><meta http-equiv="refresh" content="30"></noscript>
<style>
:root{--ok:#1e7e34;--warn:#f9ab00;--late:#c5221f;--silent:#5f6368}
*{box-sizing:border-box}
body{margin:0;font:14px/1.35 system-ui,"DejaVu Sans",Arial,sans-serif;background:#eef0f3;color:#202124}
header{background:#0b3d91;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:6px 24px;align-items:baseline}
header h1{font-size:20px;margin:0}
#updated.stale{background:#c5221f;padding:1px 6px;border-radius:3px}
.summary{display:flex;gap:8px;padding:10px 16px 0;flex-wrap:wrap}
.summary span{padding:3px 10px;border-radius:12px;color:#fff;font-weight:600}
.ok{background:var(--ok)}.warn{background:var(--warn);color:#202124!important}
.late{background:var(--late)}.silent{background:var(--silent)}
#tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(215px,1fr));gap:8px;padding:10px 16px}
.tile{border-radius:6px;padding:7px 10px;color:#fff;min-height:104px}
.tile .top{display:flex;justify-content:space-between;gap:6px;align-items:baseline}
.tile .name{font-weight:700;font-size:15px;overflow-wrap:anywhere}
.tile .st{font-size:11px;font-weight:700;letter-spacing:.04em;white-space:nowrap}
.tile .why{font-size:11px;opacity:.9;margin-top:2px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
section{padding:0 16px 12px}
h2{font-size:16px;margin:10px 0 6px}
.legend{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:4px 16px;margin:0;padding:0;list-style:none}
.legend b{display:inline-block;min-width:104px;padding:0 6px;border-radius:3px;color:#fff}
#mesh{background:#fff;border-radius:6px;max-width:100%;height:auto}
#mesh text{font-size:12px;fill:#202124;paint-order:stroke;stroke:#fff;stroke-width:3px}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccc;padding:2px 6px}
</style></head><body>
<header><h1>Papan Status Absensi &middot; BKPSDM Muaro Jambi</h1>
<span>Diperbarui: <span id="updated"></span></span></header>
<div class="summary" id="summary"></div>
<div id="tiles"></div>
<section><h2>Arti warna</h2><ul class="legend">
<li><b class="ok">AMAN</b> gateway melapor; tidak ada data yang lewat batas</li>
<li><b class="warn">PERINGATAN</b> data suatu hari belum lengkap di Sengeti lewat H+2 pukul 12.00</li>
<li><b class="late">TERLAMBAT</b> batas 3 hari terlewati (H+3 pukul 00.00) tanpa data lengkap</li>
<li><b class="silent">TANPA KABAR</b> gateway tidak melapor lebih dari 1 jam (atau belum pernah); belum lewat batas</li>
</ul></section>
<section><h2>Jaringan: gateway &rarr; relay &rarr; Sengeti</h2>
<p>Garis hijau: jalur aktif; hijau putus-putus: jalur cadangan siap; merah: terputus; abu-abu: laporan lebih dari 10 menit lalu.</p>
<svg id="mesh" xmlns="http://www.w3.org/2000/svg"></svg></section>
<noscript><section><h2>Tabel (tanpa JavaScript, dimuat ulang tiap 30 detik)</h2>
)HTML";

constexpr const char* kScript = R"HTML(<script>
"use strict";
const LABEL={ok:"AMAN",warn:"PERINGATAN",late:"TERLAMBAT",silent:"TANPA KABAR"};
const EDGE={active:"#1e7e34",standby:"#81c995",down:"#c5221f",stale:"#9aa0a6"};
const NODE={ok:"#1e7e34",warn:"#f9ab00",late:"#c5221f",silent:"#5f6368"};
const SVGNS="http://www.w3.org/2000/svg";
function age(s){
  if(s===null||s===undefined||s<0)return "belum pernah";
  if(s<60)return "baru saja";
  if(s<3600)return Math.floor(s/60)+" menit lalu";
  if(s<86400)return Math.floor(s/3600)+" jam lalu";
  return Math.floor(s/86400)+" hari lalu";
}
function num(n){return Number(n).toLocaleString("id-ID");}
function el(tag,cls,text){const e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e;}
function zone(m){return m===420?"WIB":m===480?"WITA":m===540?"WIT":"UTC"+(m>=0?"+":"")+m/60;}
function tile(t){
  const d=el("div","tile "+t.state);
  d.dataset.unit=t.unit;d.dataset.state=t.state;d.title=t.reason;
  const top=el("div","top");top.append(el("span","name",t.unit),el("span","st",LABEL[t.state]));
  d.append(top,el("div","contact","Kontak terakhir: "+age(t.last_contact_age_s)));
  let q="Antrean: "+num(t.queued);
  if(t.undelivered!==t.queued)q+=" \u00b7 belum diterima: "+num(t.undelivered);
  if(t.queued>0)q+=" (tertua "+age(t.oldest_queued_age_s).replace(" lalu","")+")";
  d.append(el("div","queue",q),el("div","arrivals","Masuk hari ini: "+num(t.arrivals_today)));
  let why=t.reason;if(t.days_late>0)why=t.days_late+" hari terlambat \u00b7 "+why;
  d.append(el("div","why",why));
  return d;
}
function svg(tag,attrs,text){const e=document.createElementNS(SVGNS,tag);for(const k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
function mesh(g){
  const s=document.getElementById("mesh");s.replaceChildren();
  s.setAttribute("viewBox","0 0 "+g.width+" "+g.height);s.setAttribute("width",g.width);s.setAttribute("height",g.height);
  const at={};for(const n of g.nodes)at[n.id]=n;
  for(const e of g.edges){
    const a=at[e.from],b=at[e.to];if(!a||!b)continue;
    const l=svg("line",{x1:a.x,y1:a.y,x2:b.x,y2:b.y,stroke:EDGE[e.state],"stroke-width":e.state==="active"?2.5:1.5,class:"edge "+e.state,"data-from":e.from,"data-to":e.to});
    if(e.state!=="active")l.setAttribute("stroke-dasharray","5 4");
    l.append(svg("title",{},e.from+" \u2192 "+e.to+": "+e.state));s.append(l);
  }
  for(const n of g.nodes){
    const r=n.kind==="aggregator"?14:n.kind==="relay"?10:6;
    const c=svg("circle",{cx:n.x,cy:n.y,r:r,fill:NODE[n.state],stroke:"#202124","stroke-width":1,class:"node "+n.kind,"data-id":n.id,"data-state":n.state});
    c.append(svg("title",{},n.id+(n.unit?" ("+n.unit+")":"")));s.append(c);
    const left=n.kind==="gateway";
    s.append(svg("text",{x:left?n.x-r-6:n.x,y:left?n.y+4:n.y+r+14,"text-anchor":left?"end":"middle"},
      n.kind==="aggregator"?n.id+" (Sengeti)":n.id));
  }
}
function render(b){
  document.getElementById("updated").textContent=b.local_time+" "+zone(b.utc_offset_min);
  const sum=document.getElementById("summary");sum.replaceChildren();
  for(const k of ["ok","warn","late","silent"])sum.append(el("span",k,LABEL[k]+": "+b.counts[k]));
  document.getElementById("tiles").replaceChildren(...b.tiles.map(tile));
  mesh(b.graph);
}
render(JSON.parse(document.getElementById("board-data").textContent));
async function refresh(){
  const u=document.getElementById("updated");
  try{const r=await fetch("/api/board",{cache:"no-store"});if(!r.ok)throw new Error(r.status);
    render(await r.json());u.classList.remove("stale");}
  catch(e){u.classList.add("stale");u.title="server tidak menjawab: "+e;}
}
setInterval(refresh,5000);
</script></body></html>
)HTML";

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* LabelOf(TileState s) {
  switch (s) {
    case TileState::kOk:
      return "AMAN";
    case TileState::kWarn:
      return "PERINGATAN";
    case TileState::kLate:
      return "TERLAMBAT";
    case TileState::kSilent:
      return "TANPA KABAR";
  }
  return "?";
}

}  // namespace

std::string AgeIndonesian(int64_t age_s) {
  if (age_s < 0) return "belum pernah";
  if (age_s < 60) return "baru saja";
  if (age_s < 3600) return std::to_string(age_s / 60) + " menit lalu";
  if (age_s < 86400) return std::to_string(age_s / 3600) + " jam lalu";
  return std::to_string(age_s / 86400) + " hari lalu";
}

std::string NoScriptTable(const Board& b) {
  std::string out =
      "<table><tr><th>Unit</th><th>Status</th><th>Kontak terakhir</th><th>Antrean</th>"
      "<th>Belum diterima</th><th>Masuk hari ini</th></tr>\n";
  for (const auto& t : b.tiles) {
    int64_t age =
        t.last_contact_ms ? std::max<int64_t>(0, (b.now_ms - t.last_contact_ms) / 1000) : -1;
    out += "<tr><td>" + Escape(t.unit) + "</td><td class=\"" + TileStateName(t.state) + "\">" +
           LabelOf(t.state) + "</td><td>" + AgeIndonesian(age) + "</td><td>" +
           std::to_string(t.queued) + "</td><td>" + std::to_string(t.undelivered) + "</td><td>" +
           std::to_string(t.arrivals_today) + "</td></tr>\n";
  }
  return out + "</table>";
}

std::string RenderPage(const std::string& json, const std::string& noscript_table) {
  // The data comes before the script that reads it on load.
  return std::string(kHead) + noscript_table + "</section></noscript>\n" +
         "<script type=\"application/json\" id=\"board-data\">" + json + "</script>\n" + kScript;
}

}  // namespace titip::aggregator
