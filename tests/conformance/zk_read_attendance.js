// Reads all attendance from a ZK terminal with a real third-party npm client and prints one
// line per record: "PIN<TAB>YYYY-MM-DD HH:MM:SS", sorted. Run with TZ=UTC: both clients build
// Date objects in the host zone from the terminal's naive local time.
// Usage: node zk_read_attendance.js node-zklib|zkteco-js PORT
'use strict';

const [lib, port] = process.argv.slice(2);
// The clients chat on stdout; keep stdout for the records.
console.log = (...a) => process.stderr.write(a.join(' ') + '\n');

function pad(n) { return String(n).padStart(2, '0'); }
function fmt(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
         `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

async function viaNodeZklib() {
  const ZKLib = require('node-zklib');
  const zk = new ZKLib('127.0.0.1', Number(port), 20000, 4000);
  await zk.createSocket();
  if (zk.connectionType !== 'tcp') throw new Error('node-zklib fell back to ' + zk.connectionType);
  const info = await zk.getInfo();
  process.stderr.write(`node-zklib info: ${JSON.stringify(info)}\n`);
  const res = await zk.getAttendances();
  await zk.disconnect();
  return res.data.map((r) => `${r.deviceUserId}\t${fmt(r.recordTime)}`);
}

async function viaZktecoJs() {
  const Zkteco = require('zkteco-js');
  const zk = new Zkteco('127.0.0.1', Number(port), 20000, 4000);
  await zk.createSocket();
  if (zk.connectionType !== 'tcp') throw new Error('zkteco-js fell back to ' + zk.connectionType);
  const info = await zk.getInfo();
  process.stderr.write(`zkteco-js info: ${JSON.stringify(info)}\n`);
  const res = await zk.getAttendances();
  await zk.disconnect();
  return res.data.map((r) => `${r.user_id}\t${fmt(new Date(r.record_time))}`);
}

(async () => {
  const lines = lib === 'node-zklib' ? await viaNodeZklib() : await viaZktecoJs();
  lines.sort();
  process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
  process.exit(0);
})().catch((e) => {
  process.stderr.write(`${lib}: ${e && e.stack ? e.stack : JSON.stringify(e)}\n`);
  process.exit(1);
});
