import json, time
from concurrent.futures import ThreadPoolExecutor
import requests
from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL, NOBOT
from tests.e2e.helpers import reply_text, ledger_text
from tests.e2e.test_mutual_plan import share, csrf_of

def test_s27_concurrent_same_give(bot, slack, emulator):
    with ThreadPoolExecutor(6) as ex:
        rs = list(ex.map(lambda _: reply_text(slack.command("give the same pilot by Friday", user=ALICE, channel=DEAL))[:60], range(6)))
    print("S27", rs)
    print("S27 items", len(bot.runtime.services.ledger.items(Scope("T0001", DEAL))))

def test_s31_nobot(bot, slack, emulator):
    print("S31", reply_text(slack.command("give x by Friday", user=ALICE, channel=NOBOT))[:300])
    print("S31 dm", reply_text(slack.command("give x by Friday", user=ALICE, channel="D0ALICE"))[:300])
    print("S31 share dm", reply_text(slack.command("share", user=ALICE, channel="D0ALICE"))[:300])

def test_s18_checkins(bot, slack, emulator):
    t = "checkins " + ",".join(str(i) for i in range(1, 400))
    print("S18", reply_text(slack.command(t[:1990], user=ALICE, channel=DEAL))[:300])
    print("S18b", reply_text(slack.command("checkins 1 1 1 1 1 1 1", user=ALICE, channel=DEAL))[:300])
    print("S18c", reply_text(slack.command("digest every 1 minute", user=ALICE, channel=DEAL))[:300])

def test_s13_plan_form(bot, slack, emulator):
    slack.command("get the security review by Friday", user=ALICE, channel=DEAL)
    link = share(slack)
    page = requests.get(link, timeout=10)
    csrf = csrf_of(page)
    body = "&".join(f"f{i}=x" for i in range(120000))[:1000000]
    s = time.perf_counter()
    r = requests.post(link, data=body + "&csrf=" + csrf, headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": link.split("/plans")[0]}, timeout=30)
    print("S13", r.status_code, time.perf_counter() - s, r.text[:200])
    s = time.perf_counter()
    r = requests.get(link.rsplit("/",1)[0] + "/" + "A"*8000, timeout=30)
    print("S13b", r.status_code, time.perf_counter() - s)

def test_s20_many_deals(bot, slack, emulator):
    for i in range(60):
        slack.command(f"deal Deal{i} negotiation", user=ALICE, channel=DEAL)
    bot.wait_idle()
    r = slack.command("deal", user=ALICE, channel=DEAL)
    print("S20", r.status_code, len(r.text), reply_text(r)[-200:])
