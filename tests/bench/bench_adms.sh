# ADMS (ZKTeco PUSH) bytes per punch, computed from the protocol (docs/terminal-protocols.md
# §2.3 and its captured request): a `POST /iclock/cdata?...&table=ATTLOG` with the headers of
# the captured example, one body line per punch in the 10-fields-plus-trailing-TAB form real
# terminals send, and the server's `OK: n` reply with the headers of the captured handshake
# reply. Sourced by tests/bench/run.sh. Only TCP payload is counted (as for titip and MQTT).

# adms_bytes ATTLOG K → "request_bytes reply_bytes" for one POST of the first K punches.
adms_bytes() {
  local body req reply
  body=$(head -n "$2" "$1" | tr -d '\r' | awk -F'\t' '{
    sub(/^ +/, "", $1)
    printf "%s\t%s\t%s\t%s\t0\t0\t0\t0\t0\t0\t\n", $1, $2, $3, $4 }'; echo x)
  body=${body%x}
  local blen; blen=$(printf '%s' "$body" | wc -c)
  req=$(printf 'POST /iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999 HTTP/1.1\r\nHost: att.example.go.id\r\nUser-Agent: iClock Proxy/1.09\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n' "$blen" | wc -c)
  local ok="OK: $2"
  reply=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Fri, 03 Jul 2015 06:53:01 GMT\r\nContent-Length: %d\r\n\r\n%s' "${#ok}" "$ok" | wc -c)
  echo "$((req + blen)) $reply"
}

# adms_idle DELAY_S → payload bytes/s of the `getrequest` poll a terminal sends every Delay s
# (the captured request and a bare `OK` reply), the PUSH protocol's heartbeat.
adms_idle() {
  local req reply
  req=$(printf 'GET /iclock/getrequest?SN=SPK7240100098 HTTP/1.1\r\nHost: zk.example\r\nAccept-Encoding: gzip\r\nConnection: close\r\nUser-Agent: iClock Proxy/1.09\r\nAccept: */*\r\n\r\n' | wc -c)
  reply=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Fri, 03 Jul 2015 06:53:01 GMT\r\nContent-Length: 2\r\n\r\nOK' | wc -c)
  div $((req + reply)) "$1" 1
}
