// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Phone navigation: the menu button shows and hides the links.
  var toggle = document.querySelector(".nav-toggle");
  var links = document.getElementById("nav-links");
  if (toggle && links) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      links.classList.toggle("open", !open);
    });
  }

  // Destructive buttons ask first: <form data-confirm="...">.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();

// --- feedback explanations and jobs: a job page follows its job's progress. ---
// <div data-job-status-url="..."> polls that JSON and redraws every [data-job-field];
// without JavaScript the page's Refresh link does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-job-status-url");
  var scope = box.closest(".card") || document;
  var lastStatus = null;
  var field = function (name) {
    return scope.querySelector('[data-job-field="' + name + '"]');
  };
  var number = function (n) {
    return Number(n).toLocaleString("en");
  };
  var draw = function (job) {
    var bar = field("bar");
    if (bar && job.status !== "queued") {
      bar.max = job.total > 0 ? job.total : 1;
      bar.value = job.total > 0 ? job.done : (job.finished ? 1 : 0);
      bar.textContent = job.percent + " %";
    }
    var count = field("count");
    if (count) { count.textContent = number(job.done) + " of " + number(job.total); }
    var percent = field("percent");
    if (percent) { percent.textContent = String(job.percent); }
    var message = field("message");
    if (message) { message.textContent = job.message || "–"; }
    var status = field("status");
    if (status) {
      status.textContent = job.status.charAt(0).toUpperCase() + job.status.slice(1);
      status.className = "badge badge-job-" + job.status;
    }
    ["started_at", "finished_at"].forEach(function (name) {
      var cell = field(name);
      if (cell && job[name]) {
        var time = document.createElement("time");
        time.dateTime = job[name];
        time.textContent = job[name].slice(0, 19).replace("T", " ") + " UTC";
        cell.replaceChildren(time);
      }
    });
    // Announce only changes of state, not every step of the bar.
    var announce = field("announce");
    if (announce && job.status !== lastStatus && lastStatus !== null) {
      announce.textContent = "Job " + job.status + ". " + (job.message || "");
    }
    lastStatus = job.status;
    if (job.finished) {
      var refresh = field("refresh");
      if (refresh) { refresh.hidden = true; }
    }
  };
  var poll = function () {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (job) {
        draw(job);
        if (!job.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () {
        // A hiccup (restart, network): try again a little later; Refresh still works.
        window.setTimeout(poll, 5000);
      });
  };
  poll();
})();

// --- listening sessions and action items ---------------------------------------
// A form with a customer select offers only that customer's SLAs: options and
// checkboxes carry data-customers="id id"; the others are hidden and disabled, so
// they are not sent. Without JavaScript every SLA shows and the server checks.
(function () {
  "use strict";
  document.querySelectorAll("select[name=customer_id]").forEach(function (select) {
    var form = select.form;
    if (!form) { return; }
    var marked = form.querySelectorAll("[data-customers]");
    if (!marked.length) { return; }
    var empty = form.querySelector(".no-agreements");
    var apply = function () {
      var chosen = select.value;
      var shown = 0;
      marked.forEach(function (el) {
        var fits = !chosen || el.getAttribute("data-customers").split(" ").indexOf(chosen) !== -1;
        var box = el.tagName === "OPTION" ? el : (el.closest(".choice") || el);
        box.hidden = !fits;
        el.disabled = !fits;
        if (!fits && el.tagName === "OPTION" && el.selected) { el.selected = false; }
        if (fits) { shown += 1; }
      });
      if (empty) { empty.hidden = shown > 0 || !chosen; }
    };
    select.addEventListener("change", apply);
    apply();
  });
})();

// --- perception charts (engage.perception) ----------------------------------------
// A chart is a <div class="chart" data-figure="ID"> beside an inert JSON block with that
// id. plotly.js is big, so it is fetched only once a chart has stayed in view for a
// moment (a quick visitor never pays for it); its stylesheet goes in first with the id
// plotly looks for, so plotly injects no inline CSS (blocked by the CSP). A point whose
// customdata starts with a URL opens it. Without JavaScript the tables say the same.
(function () {
  "use strict";
  var charts = Array.prototype.slice.call(document.querySelectorAll(".chart[data-figure]"));
  if (!charts.length) { return; }
  var loading = null;
  var loadPlotly = function (el) {
    if (window.Plotly) { return Promise.resolve(); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.id = "plotly.js-style-global";
        css.className = "no-inline-styles";
        css.href = el.getAttribute("data-plotly-css");
        document.head.appendChild(css);
        var script = document.createElement("script");
        script.src = el.getAttribute("data-plotly-src");
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  };
  var draw = function (el) {
    var block = document.getElementById(el.getAttribute("data-figure"));
    if (!block || !window.Plotly) { return; }
    var figure = JSON.parse(block.textContent);
    window.Plotly.newPlot(el, figure.data, figure.layout, {
      responsive: true,
      // The mode bar styles itself with inline CSS, which the CSP blocks.
      displayModeBar: false
    }).then(function () {
      el.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var data = point && point.customdata;
        var url = Array.isArray(data) ? data[0] : null;
        if (typeof url === "string" && url.charAt(0) === "/") { window.location.assign(url); }
      });
    });
  };
  var show = function (el) {
    loadPlotly(el).then(function () { draw(el); }, function () { /* the table remains */ });
  };
  if (!("IntersectionObserver" in window)) { charts.forEach(show); return; }
  var timers = {};
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var el = entry.target;
      window.clearTimeout(timers[el.id]);
      if (entry.isIntersecting) {
        timers[el.id] = window.setTimeout(function () {
          observer.unobserve(el);
          show(el);
        }, 300);
      }
    });
  }, { rootMargin: "100px" });
  charts.forEach(function (el) { observer.observe(el); });
})();
