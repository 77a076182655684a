/// The notebook pages' one stylesheet and one script, inlined into every page so a published
/// page needs nothing from the network and a served one nothing but its own server.
enum Assets {
    static let css = #"""
    :root { --ink: #1b1f24; --muted: #4a5360; --line: #c9d1d9; --bg: #ffffff; --code-bg: #f4f6f8;
            --ok: #116329; --ok-bg: #dafbe1; --bad: #a40e26; --bad-bg: #ffebe9; --wait: #6b4b00; --wait-bg: #fff4d1;
            --focus: #0b57d0; --win: #ffe08a; --win-line: #7a5a00; --new: #c8e1ff; }
    * { box-sizing: border-box; }
    html { font-size: 100%; }
    body { margin: 0 auto; max-width: 62rem; padding: 0 1rem 3rem; color: var(--ink); background: var(--bg);
           font: 1rem/1.55 "DejaVu Sans", system-ui, sans-serif; overflow-wrap: break-word; }
    a { color: #0b4fb3; }
    a:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible, summary:focus-visible,
    .step-frame:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
    .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
    .skip:focus { left: 1rem; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    header { padding: .75rem 0; border-bottom: 1px solid var(--line); }
    nav.lessons a { margin-right: 1rem; display: inline-block; }
    h1 { font-size: 1.8rem; line-height: 1.25; }
    pre, code, textarea { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .9rem; }
    pre { background: var(--code-bg); padding: .6rem .8rem; overflow-x: auto; border-radius: 4px; }
    :not(pre) > code { background: var(--code-bg); padding: 0 .25rem; border-radius: 3px; }
    table { border-collapse: collapse; }
    article > table td, article > table th { border: 1px solid var(--line); padding: .2rem .5rem; }
    details { border: 1px solid var(--line); border-radius: 4px; padding: .4rem .8rem; margin: 1rem 0; }
    summary { cursor: pointer; font-weight: bold; }
    @media (min-width: 600px) { header { position: sticky; top: 0; z-index: 2; background: var(--bg); } }
    .toolbar { padding: .5rem 0 0;
               display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
    .status { color: var(--muted); }
    button { font: inherit; padding: .3rem .7rem; border: 1px solid #57606a; border-radius: 4px; background: #f6f8fa; color: var(--ink); cursor: pointer; }
    button:disabled { opacity: .55; cursor: default; }
    .cell { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 4px; margin: 1.2rem 0; padding: .5rem .8rem; }
    .cell[data-outcome="passed"] { border-left-color: var(--ok); }
    .cell[data-outcome="mismatch"], .cell[data-outcome="error"], .cell[data-outcome="missing-error"] { border-left-color: var(--bad); }
    .cell[data-outcome="not-run"] { border-left-style: dashed; }
    .cell[data-outcome="not-run"] .result { opacity: .75; }
    .cell-label { font-size: 1rem; margin: .2rem 0 .4rem; font-family: "DejaVu Sans Mono", monospace; }
    .options { color: var(--muted); font-weight: normal; }
    .badge { font-family: "DejaVu Sans", sans-serif; font-weight: normal; font-size: .85rem; padding: .05rem .45rem; border-radius: 3px; margin-left: .4rem; }
    .badge.passed { color: var(--ok); background: var(--ok-bg); }
    .badge.mismatch, .badge.error, .badge.missing-error { color: var(--bad); background: var(--bad-bg); }
    .badge.not-run { color: var(--wait); background: var(--wait-bg); }
    .badge.unchecked { color: var(--muted); background: var(--code-bg); }
    textarea.code { width: 100%; display: block; border: 1px solid #8c959f; border-radius: 4px; padding: .5rem; background: var(--code-bg); color: var(--ink); resize: vertical; }
    .cell-buttons { margin: .4rem 0; display: flex; flex-wrap: wrap; gap: .4rem; }
    pre.error { background: var(--bad-bg); color: var(--bad); border-left: 4px solid var(--bad); }
    pre.error::before { content: "Error "; font-weight: bold; }
    .expected p { margin: .3rem 0 0; color: var(--muted); }
    figure.figure { margin: .6rem 0; overflow-x: auto; }
    figure.figure svg { max-width: 100%; height: auto; }
    figcaption { color: var(--muted); font-size: .9rem; }
    .step { border: 1px solid var(--line); border-radius: 4px; padding: .5rem; margin: .6rem 0; }
    .step-controls { display: flex; flex-wrap: wrap; gap: .35rem; align-items: center; margin-bottom: .4rem; }
    .step-controls input[type=range] { vertical-align: middle; width: 10rem; max-width: 40vw; }
    .step-frame { overflow-x: auto; padding: .25rem; }
    .grids { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
    .grid caption { font-size: .85rem; color: var(--muted); text-align: left; }
    .grid td { border: 1px solid var(--line); min-width: 2.1rem; padding: .1rem .3rem; text-align: right;
               font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; }
    .grid td.pad { color: var(--muted); border-style: dashed; }
    .grid td.win { background: var(--win); outline: 2px solid var(--win-line); outline-offset: -2px; font-weight: bold; }
    .grid td.new { background: var(--new); outline: 2px solid #0b4fb3; outline-offset: -2px; font-weight: bold; }
    .grid td.empty { color: var(--muted); }
    .equation { font-family: "DejaVu Sans Mono", monospace; font-size: .9rem; white-space: pre-wrap; }
    .live-curve svg { max-width: 100%; height: auto; }
    footer { margin-top: 2rem; border-top: 1px solid var(--line); color: var(--muted); }
    .index li { margin: .3rem 0; }
    @media (max-width: 480px) { body { padding: 0 .5rem 2rem; } h1 { font-size: 1.45rem; } .cell { padding: .4rem; } }
    """#

    static let script = #"""
    (function () {
      "use strict";
      var meta = function (name) { var m = document.querySelector('meta[name="' + name + '"]'); return m ? m.content : null; };
      var session = meta("cnnlearn-session"), token = meta("cnnlearn-token");

      // ---- step widgets: the same frames as the terminal's step view ----
      function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
      function gridTable(title, rows, marks) {
        var t = el("table", "grid"); t.appendChild(el("caption", null, title));
        var body = el("tbody");
        rows.forEach(function (row, r) {
          var tr = el("tr");
          row.forEach(function (v, c) {
            var m = marks ? marks(r, c) : "";
            var td = el("td", m, v == null ? "·" : v);
            if (m.indexOf("win") >= 0) td.setAttribute("aria-label", "in the window: " + (v == null ? "padding" : v));
            if (m.indexOf("pad") >= 0) td.title = "padding";
            tr.appendChild(td);
          });
          body.appendChild(tr);
        });
        t.appendChild(body); return t;
      }
      function setupStep(box) {
        if (box.dataset.ready) return; box.dataset.ready = "1";
        var data = JSON.parse(box.querySelector(".step-data").textContent);
        var order = [];
        data.planes.forEach(function (p, pi) { p.frames.forEach(function (f, fi) { order.push([pi, fi]); }); });
        var frameBox = box.querySelector(".step-frame"), pos = box.querySelector(".step-position");
        var slider = box.querySelector('[data-step="slider"]'), play = box.querySelector('[data-step="play"]');
        var k = 0, timer = null;
        function draw() {
          frameBox.textContent = "";
          if (!order.length) { frameBox.appendChild(el("p", null, "No windows.")); return; }
          var pi = order[k][0], fi = order[k][1], p = data.planes[pi], f = p.frames[fi];
          var out = []; for (var r = 0; r < p.outputRows; r++) { out.push(new Array(p.outputColumns).fill(null)); }
          for (var j = 0; j <= fi; j++) { p.frames[j].values.forEach(function (v) { out[+v[0]][+v[1]] = v[2] === "" ? null : v[2]; }); }
          var win = {}; f.window.forEach(function (c) { win[c[0] + "," + c[1]] = true; });
          var wr = {}; f.writes.forEach(function (c) { wr[c[0] + "," + c[1]] = true; });
          if (p.label) frameBox.appendChild(el("p", "plane", p.label));
          var grids = el("div", "grids");
          p.inputs.forEach(function (inp, ch) {
            grids.appendChild(gridTable(p.inputs.length > 1 ? "input, channel " + (ch + 1) : "input", inp, function (r, c) {
              return (inp[r][c] == null ? "pad" : "") + (win[r + "," + c] ? " win" : "");
            }));
          });
          p.kernels.forEach(function (kern, ch) { grids.appendChild(gridTable(p.kernels.length > 1 ? "kernel, channel " + (ch + 1) : "kernel", kern, null)); });
          grids.appendChild(gridTable("output", out, function (r, c) { return (wr[r + "," + c] ? "new" : "") + (out[r][c] == null ? " empty" : ""); }));
          frameBox.appendChild(grids);
          frameBox.appendChild(el("p", "equation", f.equation));
          var text = "Window " + (k + 1) + " of " + order.length + ": output row " + f.row + ", column " + f.column;
          pos.textContent = text; slider.value = k + 1;
          frameBox.setAttribute("aria-label", text + ". " + f.equation + ". Left and right arrow keys step.");
        }
        function go(n) { k = Math.max(0, Math.min(order.length - 1, n)); draw(); }
        function stopPlay() { if (timer) { clearInterval(timer); timer = null; } play.textContent = "▶ Play"; play.setAttribute("aria-pressed", "false"); play.setAttribute("aria-label", "Play"); }
        function startPlay() {
          if (k >= order.length - 1) go(0);
          play.textContent = "⏸ Pause"; play.setAttribute("aria-pressed", "true"); play.setAttribute("aria-label", "Pause");
          timer = setInterval(function () { if (k >= order.length - 1) { stopPlay(); } else { go(k + 1); } }, 700);
        }
        box.addEventListener("click", function (e) {
          var b = e.target.closest("[data-step]"); if (!b || b === slider) return;
          var s = b.dataset.step;
          if (s === "play") { timer ? stopPlay() : startPlay(); return; }
          stopPlay();
          if (s === "first") go(0); else if (s === "prev") go(k - 1); else if (s === "next") go(k + 1); else if (s === "last") go(order.length - 1);
        });
        slider.addEventListener("input", function () { stopPlay(); go(+slider.value - 1); });
        box.addEventListener("keydown", function (e) {
          if (e.target.tagName === "TEXTAREA" || e.target === slider) return;
          if (e.key === "ArrowRight") { stopPlay(); go(k + 1); e.preventDefault(); }
          else if (e.key === "ArrowLeft") { stopPlay(); go(k - 1); e.preventDefault(); }
          else if (e.key === "Home") { stopPlay(); go(0); e.preventDefault(); }
          else if (e.key === "End") { stopPlay(); go(order.length - 1); e.preventDefault(); }
        });
        draw();
      }
      function setupSteps(root) { root.querySelectorAll(".step").forEach(setupStep); }
      setupSteps(document);
      if (!session) return;

      // ---- the served notebook: run, stop, reset ----
      var status = document.querySelector(".toolbar .status");
      var stopButton = document.querySelector('[data-action="stop"]');
      var running = false;
      function say(text) { if (status) status.textContent = text; }
      function setRunning(on) {
        running = on;
        document.querySelectorAll('[data-action="run"], [data-action="run-rest"], [data-action="run-all"], [data-action="reset"]').forEach(function (b) { b.disabled = on; });
        stopButton.disabled = !on;
      }
      function post(path, body) {
        return fetch(path, { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CNNLearn-Token": token }, body: JSON.stringify(body) });
      }
      function section(n) { return document.getElementById("cell-" + n); }
      function codes() {
        var c = {}; document.querySelectorAll("textarea.code").forEach(function (t) { c[t.closest(".cell").dataset.cell] = t.value; }); return c;
      }
      function liveCurve(sec, points, of) {
        var box = sec.querySelector(".live-curve");
        if (!box) { box = el("div", "live-curve"); sec.querySelector(".result").appendChild(box); }
        var w = 360, h = 160, pad = 30, max = 0;
        points.forEach(function (p) { max = Math.max(max, p.loss, p.val_loss == null ? 0 : p.val_loss); });
        max = max > 0 ? max : 1;
        function line(key) {
          return points.filter(function (p) { return p[key] != null; }).map(function (p) {
            var x = pad + (w - 2 * pad) * (of > 1 ? (p.epoch - 1) / (of - 1) : 0), y = h - pad - (h - 2 * pad) * p[key] / max;
            return x.toFixed(1) + "," + y.toFixed(1);
          }).join(" ");
        }
        var last = points[points.length - 1];
        var desc = "Loss after epoch " + last.epoch + " of " + of + ": training " + last.loss.toFixed(4) + (last.val_loss != null ? ", validation " + last.val_loss.toFixed(4) : "");
        box.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + w + ' ' + h + '" width="' + w + '" height="' + h + '" role="img" aria-labelledby="lc-t-' + sec.dataset.cell + ' lc-d-' + sec.dataset.cell + '">' +
          '<title id="lc-t-' + sec.dataset.cell + '">Training loss, live</title><desc id="lc-d-' + sec.dataset.cell + '"></desc>' +
          '<rect x="' + pad + '" y="' + pad + '" width="' + (w - 2 * pad) + '" height="' + (h - 2 * pad) + '" fill="none" stroke="#c9d1d9"/>' +
          '<polyline fill="none" stroke="#0b4fb3" stroke-width="2" points="' + line("loss") + '"/>' +
          '<polyline fill="none" stroke="#a40e26" stroke-width="2" stroke-dasharray="5 3" points="' + line("val_loss") + '"/>' +
          '<text x="' + pad + '" y="18" font-size="12">loss (solid: training, dashed: validation), epoch ' + last.epoch + ' of ' + of + '</text></svg>';
        box.querySelector("desc").textContent = desc;
      }
      function handle(ev, data, state) {
        var sec = section(data.cell);
        if (ev === "printed") {
          if (!state.live[data.cell]) {
            state.live[data.cell] = { pre: el("pre", "output"), points: [] };
            var res = sec.querySelector(".result"); res.textContent = ""; res.appendChild(state.live[data.cell].pre);
            sec.dataset.outcome = "not-run";
            sec.querySelector(".verdict").innerHTML = '<span class="badge not-run">… running</span>';
          }
          state.live[data.cell].pre.textContent += data.text;
        } else if (ev === "epoch") {
          if (!state.live[data.cell]) handle("printed", { cell: data.cell, text: "" }, state);
          state.live[data.cell].points.push(data);
          liveCurve(sec, state.live[data.cell].points, data.of);
          say("Cell " + data.cell + ": epoch " + data.epoch + " of " + data.of + " done.");
        } else if (ev === "finished") {
          sec.dataset.outcome = data.outcome;
          sec.querySelector(".verdict").innerHTML = data.badge;
          var r = sec.querySelector(".result"); var keep = state.live[data.cell] && state.live[data.cell].points.length ? r.querySelector(".live-curve") : null;
          r.innerHTML = data.html; if (keep) r.appendChild(keep);
          setupSteps(r); delete state.live[data.cell];
          state.last = data;
        } else if (ev === "stale") {
          data.cells.forEach(function (n) {
            var s = section(n); if (!s) return; s.dataset.outcome = "not-run";
            s.querySelector(".verdict").innerHTML = '<span class="badge not-run">… not run since cell ' + data.after + ' ran</span>';
          });
        } else if (ev === "failed") {
          say(data.message);
        }
      }
      async function run(n, rest) {
        if (running) return;
        setRunning(true); say(rest ? "Running cells " + n + " to the end…" : "Running cell " + n + "…");
        var state = { live: {}, last: null };
        try {
          var res = await post("/api/run", { session: session, cell: n, rest: !!rest, codes: codes() });
          if (!res.ok) {
            var msg = "The server refused to run the cell (" + res.status + ")";
            try { var j = await res.json(); if (j.error) msg = "Error: " + j.error + (j.hint ? ". Hint: " + j.hint : ""); } catch (e) {}
            say(msg); var r = section(n).querySelector(".result"); var p = el("pre", "error", msg); p.setAttribute("role", "alert"); r.prepend(p);
            return;
          }
          var reader = res.body.getReader(), decoder = new TextDecoder(), buffer = "";
          for (;;) {
            var chunk = await reader.read(); if (chunk.done) break;
            buffer += decoder.decode(chunk.value, { stream: true });
            var cut;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              var block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
              var ev = "message", data = "";
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event: ") === 0) ev = line.slice(7); else if (line.indexOf("data: ") === 0) data += line.slice(6);
              });
              if (data) handle(ev, JSON.parse(data), state);
            }
          }
          if (state.last) say("Cell " + state.last.cell + " " + state.last.verdict + ".");
        } catch (e) {
          say("Lost the connection to cnnlearn serve: " + e.message);
        } finally { setRunning(false); }
      }
      document.addEventListener("click", function (e) {
        var b = e.target.closest("[data-action]"); if (!b) return;
        var a = b.dataset.action, sec = b.closest(".cell");
        if (a === "run") run(+sec.dataset.cell, false);
        else if (a === "run-rest") run(+sec.dataset.cell, true);
        else if (a === "run-all") run(1, true);
        else if (a === "revert") { var t = sec.querySelector("textarea"); t.value = t.dataset.original; t.focus(); }
        else if (a === "stop") { post("/api/stop", { session: session }); say("Stopping…"); }
        else if (a === "reset") { post("/api/reset", { session: session }).then(function () { location.reload(); }); }
      });
      document.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("textarea.code")) {
          e.preventDefault(); run(+e.target.closest(".cell").dataset.cell, e.shiftKey);
        }
      });
    })();
    """#
}
