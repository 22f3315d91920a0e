"""P1 and P2 of PERFORMANCE.md: survey submission and the survey page.

Engage (gunicorn, SQLite in WAL with its default synchronous=FULL) against the bare
baselines in ``bench/bare_app.py`` under the same gunicorn settings, in one run:

- P1: POST a complete 5-question survey (CSRF, validation, answers, sentiment, feedback
  rows, one transaction) to a different one-time link each time, against one INSERT per
  request on one connection per worker;
- P2: GET the survey page with its CSRF token, against one small template render.

Prints ``name  engage=...  baseline=...  ratio=...`` lines and checks that the stored
responses equal the acknowledged ones. Needs ``wrk`` (Debian package). Bounded in time.

    .venv/bin/python bench/submit.py [--seconds 10] [--workers 4] [--connections 32]
"""

from __future__ import annotations

import argparse
import html.parser
import http.cookiejar
import shutil
import sqlite3
import sys
import tempfile
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import ROOT, gunicorn, wrk  # noqa: E402

INVITATIONS = 40_000
# Each wrk thread has its own Lua state: give each its own slice of the links, so no
# link is posted twice (a repeat is answered 303 without storing, as it should be).
LUA = """
local threads, counter = %(threads)d, 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local first, last, i
function init(args)
  local chunk = math.floor(#paths / threads)
  first = (id - 1) * chunk + 1
  last = first + chunk - 1
  i = first - 1
end
local body = "%(body)s"
local headers = {["Content-Type"] = "application/x-www-form-urlencoded",
                 ["Cookie"] = "%(cookie)s"}
request = function()
  i = i + 1
  if i > last then i = last end
  return wrk.format("POST", paths[i], headers, body)
end
"""


class _Hidden(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.questions: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "hidden":
            self.fields[name] = a.get("value") or ""
        elif name.startswith("q"):
            self.questions.append((name, a.get("type") or tag))


def prepare(instance: str) -> tuple[list[str], dict[str, int]]:
    """Migrate, and create an open 5-question survey with many unanswered links."""
    from flask_migrate import upgrade

    from app import create_app
    from engage.extensions import db
    from engage.models import (
        Agreement,
        Contact,
        Customer,
        Invitation,
        Level,
        Question,
        QuestionKind,
        Survey,
        SurveyVersion,
        utcnow,
    )
    from surveys import links

    app = create_app({"INSTANCE_PATH": instance})
    with app.app_context():
        upgrade()
        customer = Customer(name="Bench Co")
        contact = Contact(customer=customer, name="Pat", email="pat@bench.example")
        agreement = Agreement(name="Bench SLA", level=Level.CUSTOMER, customer=customer)
        survey = Survey(title="Service review", intro="Two minutes.")
        version = SurveyVersion(survey=survey, number=1)
        kinds = [
            (QuestionKind.CSAT, "How satisfied are you with the service?"),
            (QuestionKind.HAPPINESS, "How likely are you to recommend us?"),
            (QuestionKind.CES, "How easy was it to get help?"),
            (QuestionKind.LOST_TIME, "How many hours did issues cost you?"),
            (QuestionKind.TEXT, "What should we do better?"),
        ]
        for position, (kind, prompt) in enumerate(kinds):
            version.questions.append(
                Question(kind=kind, prompt=prompt, position=position)
            )
        db.session.add_all([contact, agreement, survey])
        survey.open()
        db.session.flush()
        key = app.config["SECRET_KEY"]
        expires = utcnow() + timedelta(days=30)
        rows, paths = [], []
        for _ in range(INVITATIONS):
            salt = links.new_salt()
            token = links.token_for(salt, key)
            paths.append(f"/s/{token}")
            rows.append(
                {
                    "survey_id": survey.id,
                    "agreement_id": agreement.id,
                    "contact_id": contact.id,
                    "token_hash": links.hash_token(token),
                    "token_salt": salt,
                    "expires_at": expires,
                    "created_at": utcnow(),
                    "reminder_count": 0,
                }
            )
        db.session.execute(db.insert(Invitation), rows)
        db.session.commit()
        ids = {q.prompt: q.id for q in version.questions}
    return paths, ids


def answers_for(fields: list[tuple[str, str]]) -> dict[str, str]:
    """A plausible complete answer for each question field on the page."""
    values = [
        "4",
        "9",
        "2",
        "1.5",
        "The engineer was quick, but the outage update came late.",
    ]
    names = list(dict.fromkeys(name for name, _ in fields))
    return dict(zip(names, values, strict=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        instance = str(Path(tmp) / "instance")
        paths, _ = prepare(instance)
        env = {"ENGAGE_INSTANCE_PATH": instance}
        with gunicorn("app:create_app()", args.workers, env, ROOT) as base:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar)
            )
            page = _Hidden()
            page.feed(opener.open(base + paths[-1]).read().decode())
            cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
            body = urllib.parse.urlencode(
                {**page.fields, **answers_for(page.questions)}
            )
            page_figures = wrk(base + paths[-1], args.seconds, args.connections)
            lua = Path(tmp) / "post.lua"
            path_file = Path(tmp) / "paths.txt"
            path_file.write_text("\n".join(paths[:-1]) + "\n")
            lua.write_text(
                LUA % {"threads": 2, "paths": path_file, "body": body, "cookie": cookie}
            )
            submit = wrk(
                base + "/", args.seconds, args.connections, script=str(lua), warm=False
            )
        stored = (
            sqlite3.connect(Path(instance) / "engage.sqlite3")
            .execute("SELECT count(*) FROM responses")
            .fetchone()[0]
        )

        bare_db = str(Path(tmp) / "bare.sqlite3")
        bench_dir = ROOT / "bench"
        with gunicorn("bare_app:create_app()", args.workers, {}, bench_dir) as base:
            bare_page = wrk(base + "/page", args.seconds, args.connections)
        with gunicorn(
            "bare_app:create_insert_app()",
            args.workers,
            {"BARE_DB": bare_db},
            bench_dir,
        ) as base:
            lua_bare = Path(tmp) / "bare.lua"
            lua_bare.write_text(
                'wrk.method = "POST"\nwrk.body = "a=1"\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            )
            bare_submit = wrk(
                base + "/submit", args.seconds, args.connections, script=str(lua_bare)
            )

    acknowledged = submit["requests"] - submit["errors"]
    print(
        f"# gunicorn {args.workers} workers, wrk -c{args.connections} -d{args.seconds}s, "
        "SQLite WAL synchronous=FULL"
    )
    for name, engage, bare, key in [
        ("P1_submit_rps", submit, bare_submit, "rps"),
        ("P1_submit_p50_ms", submit, bare_submit, "p50"),
        ("P1_submit_p99_ms", submit, bare_submit, "p99"),
        ("P2_page_rps", page_figures, bare_page, "rps"),
        ("P2_page_p99_ms", page_figures, bare_page, "p99"),
    ]:
        ratio = engage[key] / bare[key] if bare[key] else float("nan")
        print(
            f"{name}  engage={engage[key]:.1f}  baseline={bare[key]:.1f}  ratio={ratio:.2f}"
        )
    print(
        f"P1_errors  engage={submit['errors']:.0f}  baseline={bare_submit['errors']:.0f}"
    )
    # wrk stops mid-flight: a few requests may commit after it stopped counting, so the
    # promise is "every acknowledged response is stored", never the reverse.
    ok = acknowledged <= stored <= acknowledged + args.connections
    print(
        f"P1_acknowledged_in_stored  stored={stored}  acknowledged={acknowledged:.0f}  "
        f"ok={'yes' if ok else 'NO'}"
    )
    return 0 if ok and submit["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
