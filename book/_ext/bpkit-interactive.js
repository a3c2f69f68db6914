/* Draws the book's interactive figures (bpkit.interactive) with Plotly, offline.
 *
 * Every <div class="bpkit-interactive"> holds its controls (hidden until drawn), a JSON description of
 * its panels and of its precomputed layers, and a note for readers without JavaScript. plotly.min.js
 * (4.8 MB, served from this book's _static) is fetched once per page, when the first figure comes
 * within about a screen of the viewport. When a figure has drawn, the still version in the cell
 * before it (tagged interactive-still) is hidden. Written for book/_ext/interactive_site.py.
 */
(function () {
  "use strict";
  const HERE = document.currentScript ? document.currentScript.src : "";
  const PLOTLY = HERE.replace(/[^/]*$/, "plotly.min.js");
  const CSS = `
.bpkit-interactive-controls{display:flex;flex-wrap:wrap;gap:.4em 1.5em;margin:.5em 0}
.bpkit-control{display:flex;flex-wrap:wrap;align-items:center;gap:.2em .5em;flex:1 1 16em;min-width:0;max-width:100%}
.bpkit-control label{flex:0 1 auto;min-width:0}
.bpkit-control input[type=range]{flex:1 1 8em;min-width:6em;max-width:100%;min-height:2.2em}
.bpkit-control select{font-size:1rem;min-height:2.2em;max-width:100%}
.bpkit-control output{min-width:4.5em;font-variant-numeric:tabular-nums}
.bpkit-control input:disabled+output{opacity:.6}
.bpkit-interactive-plots{display:flex;flex-wrap:wrap;gap:.5em}
.bpkit-panel{flex:1 1 300px;min-width:0;height:370px}`;
  let plotlyPromise = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyPromise) {
      plotlyPromise = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = PLOTLY;
        s.onload = () => resolve(window.Plotly);
        s.onerror = () => reject(new Error("bpkit-interactive: could not load " + PLOTLY));
        document.head.appendChild(s);
      });
    }
    return plotlyPromise;
  }

  function axis(spec, range) {
    const r = range || spec.range;
    const out = {title: {text: spec.title}, type: spec.log ? "log" : "linear", fixedrange: true,
                 gridcolor: "rgba(128,128,128,0.25)", zerolinecolor: "rgba(128,128,128,0.4)",
                 exponentformat: "power", automargin: true};
    if (r) out.range = spec.log ? r.map(Math.log10) : r.slice();
    else out.autorange = true;
    return out;
  }

  // Evenly spaced values come as {start, step, n} (bpkit.interactive writes step numbers that way).
  function values(v) {
    if (Array.isArray(v)) return v;
    return Array.from({length: v.n}, (_, i) => Number((v.start + i * v.step).toPrecision(12)));
  }

  function Figure(root) {
    this.root = root;
    this.spec = JSON.parse(root.querySelector("script.bpkit-interactive-data").textContent);
    this.inputs = [...root.querySelectorAll("[data-control]")];
    this.plots = root.querySelector(".bpkit-interactive-plots");
    this.divs = this.spec.panels.map(() => {
      const d = document.createElement("div");
      d.className = "bpkit-panel";
      this.plots.appendChild(d);
      return d;
    });
    this.inputs.forEach((el) => el.addEventListener(el.tagName === "SELECT" ? "change" : "input", () => this.draw()));
  }

  Figure.prototype.state = function () {
    return this.inputs.map((el) => Number(el.value));
  };

  Figure.prototype.draw = function () {
    const spec = this.spec, state = this.state();
    const used = new Set(), ranges = {}, traces = spec.panels.map(() => []);
    for (const layer of spec.layers) {
      if (!layer.when.every(([i, v]) => state[i] === v)) continue;
      layer.when.forEach(([i]) => used.add(i));
      Object.assign(ranges, layer.ranges || {});
      for (const t of layer.traces) {
        const st = t.s === null ? {color: "#a6a6a6", dash: "solid"} : spec.styles[t.s % spec.styles.length];
        traces[t.p].push({
          type: "scatter", x: values(t.x), y: values(t.y), name: t.name, mode: t.mode,
          showlegend: t.legend && !!t.name, hoverinfo: t.s === null ? "skip" : "x+y+name",
          line: {color: st.color, dash: st.dash, width: t.s === null ? 0.8 : 1.6},
          marker: {color: st.color, size: t.mode === "markers" ? 8 : 4},
        });
      }
    }
    spec.controls.forEach((c, i) => {
      if (c.kind !== "slider") return;
      const el = this.inputs[i], out = this.root.querySelector(`output[for="${el.id}"]`);
      const row = c.readouts[c.dep.map((d) => state[d]).join(",")];
      el.disabled = !used.has(i);
      out.textContent = el.disabled ? "not used" : row[state[i]];
      el.setAttribute("aria-valuetext", out.textContent);
    });
    const colour = getComputedStyle(this.root).color;
    const font = {family: getComputedStyle(this.root).fontFamily, size: 12, color: colour};
    const done = spec.panels.map((p, k) => {
      const r = ranges[String(k)] || [null, null];
      const layout = {
        title: {text: p.title, font: {size: 13}}, font: font, dragmode: false, hovermode: "closest",
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
        margin: {l: 56, r: 12, t: p.title ? 36 : 12, b: 40},
        xaxis: axis(p.x, r[0]), yaxis: axis(p.y, r[1]),
        legend: {orientation: "h", x: 0, y: -0.3, yanchor: "top"},
      };
      return window.Plotly.react(this.divs[k], traces[k], layout,
                                 {responsive: true, displayModeBar: false, scrollZoom: false});
    });
    return Promise.all(done);
  };

  Figure.prototype.show = function () {
    this.root.querySelector(".bpkit-interactive-controls").hidden = false;
    this.plots.hidden = false;
    const note = this.root.querySelector(".bpkit-interactive-note");
    if (note) note.hidden = true;
    return this.draw().then(() => {
      const cell = this.root.closest(".cell");
      let prev = cell ? cell.previousElementSibling : null;
      while (prev && !prev.classList.contains("cell")) prev = prev.previousElementSibling;
      if (prev && prev.classList.contains("tag_interactive-still")) prev.hidden = true;
      this.root.dataset.drawn = "true";
    });
  };

  function start() {
    const roots = [...document.querySelectorAll(".bpkit-interactive")];
    if (!roots.length) return;
    const style = document.createElement("style");
    style.textContent = CSS;
    document.head.appendChild(style);
    // If plotly.min.js cannot load, the still stays and the note says where the figure runs; the
    // browser reports the failed request, and this script adds only a warning.
    const wake = (root) => loadPlotly().then(() => new Figure(root).show()).catch((e) => {
      root.dataset.drawn = "failed";
      console.warn(String(e));
    });
    if (!("IntersectionObserver" in window)) return roots.forEach(wake);
    const seen = new IntersectionObserver((entries) => entries.forEach((e) => {
      if (!e.isIntersecting) return;
      seen.unobserve(e.target);
      wake(e.target);
    }), {rootMargin: "100% 0px"});
    roots.forEach((r) => seen.observe(r));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
