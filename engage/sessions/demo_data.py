"""What the demo's customers say in listening sessions, in their own words.

Statements are grouped by topic (the service an SLA covers, or ``account`` for a
customer SLA) and mood. The moods follow the demo's story: the watermelons (Acme
Finance / Cloud hosting, Northwind Health / Backup and recovery) sour over the last
eight months while their reports stay green; Globex's service desk degrades in the last
six; Northwind's cloud hosting breaches now and then with a content customer.
"""

from __future__ import annotations

GOOD, BAD = "good", "bad"

NOTES: dict[str, dict[str, list[str]]] = {
    "Cloud hosting": {
        GOOD: [
            "Month-end close ran smoothly on the new platform.",
            "The patching weekend went exactly as planned, thanks to the clear notice.",
            "Your engineers are quick and know our environment well.",
            "Capacity was added before the audit season, which we really appreciated.",
        ],
        BAD: [
            "The availability report looks green, but month-end close was slow twice "
            "and nobody warned us.",
            "We only found out about the Saturday maintenance when our batch jobs "
            "failed.",
            "Each time we call we have to explain our environment again, which is "
            "frustrating.",
            "Updates during the storage incident were vague and came far too late.",
            "We waited three days for an answer on a simple firewall change.",
            # Recurring phrases, so the SLA page shows themes and an unmet need
            # (staff who know the customer's environment: no clause covers it).
            "The monthly report is green again, but month-end close was slow and "
            "nobody explained why.",
            "We keep having to explain our environment to a new engineer every time.",
        ],
    },
    "Service desk": {
        GOOD: [
            "Staff say the service desk is friendly and fixes things first time.",
            "The new portal makes raising tickets much easier for our staff.",
            "First response is fast and helpful, even at night.",
            "The service desk team handled the password reset wave brilliantly.",
        ],
        BAD: [
            "Tickets get closed before the problem is actually fixed.",
            "Our depot staff are still waiting hours for a first response.",
            "The same printer issue was reopened four times this month.",
            "Escalations are far too slow and nobody owns them.",
            "Calls go unanswered during the morning shift change.",
        ],
    },
    "Managed network": {
        GOOD: [
            "The new Wi-Fi in the warehouse works well.",
            "The network team was helpful during the line upgrade.",
            "Proactive monitoring saved us: the failing switch was replaced before "
            "the night shift noticed.",
        ],
        BAD: [
            "The site outage on the packaging line cost us half a shift.",
            "The plant lost connectivity twice and it took six hours to restore.",
            "We had to chase for updates during the WAN outage.",
        ],
    },
    "Backup and recovery": {
        GOOD: [
            "The restore test went well and the report was clear.",
            "Backups have been reliable and the daily summary is useful.",
            "The team restored the radiology share within the hour, great work.",
        ],
        BAD: [
            "Backup jobs are all green, yet the last restore took two days.",
            "Nobody told us that the ward system backup had failed for a week.",
            "We are still waiting for the results of the disaster-recovery test.",
            "Restores are slow and we have to chase every single one.",
        ],
    },
    "Microsoft 365 management": {
        GOOD: [
            "The licence clean-up saved us money and was handled smoothly.",
            "Secure score improvements were explained clearly to our security team.",
            "Change requests for mailboxes are done quickly.",
        ],
        BAD: [
            "The Teams policy change confused our drivers and nobody told us first.",
        ],
    },
    "account": {
        GOOD: [
            "Overall the partnership feels solid and the monthly report is clear.",
            "The account team is responsive and knows our business.",
            "We are happy with how the contract is working.",
        ],
        BAD: [
            "The monthly report says everything is fine, but that is not how it "
            "feels on our side.",
            "Communication has got worse since the spring.",
            "We asked for a review meeting twice and are still waiting for a date.",
        ],
    },
    "breached but content": {
        GOOD: [
            "Yes, there were two P1 incidents on the hosting platform, but your team "
            "kept our clinicians "
            "informed every half hour and we felt in good hands.",
            "We are pleased with how quickly the hosting storage problem was handled.",
            "The hosting incident reviews are honest and genuinely useful.",
            "Great communication during the hosting incident, thank you.",
        ],
        BAD: [],
    },
}

ASKS: dict[str, list[str]] = {
    "Cloud hosting": [
        "A named contact for the cloud platform",
        "Maintenance calendar one week earlier",
        "A capacity forecast before the year-end peak",
    ],
    "Service desk": [
        "Ticket categories that our staff understand",
        "A callback when a ticket is closed",
        "Weekend cover for the depots",
    ],
    "Managed network": [
        "A second line for the packaging hall",
        "Site outage alerts sent by text to the shift supervisor",
    ],
    "Backup and recovery": [
        "A restore time report every month",
        "Alerts when a backup job fails",
        "An annual disaster-recovery rehearsal with our clinicians",
    ],
    "Microsoft 365 management": [
        "Guidance for rolling out Copilot licences",
        "Quarterly review of the secure score",
    ],
    "account": [
        "A single quarterly report for the whole group",
        "Executive sponsor at every second review",
    ],
}

COMMITMENTS: dict[str, dict[str, list[str]]] = {
    "Cloud hosting": {
        GOOD: ["Share the capacity plan for next year."],
        BAD: [
            "Announce every maintenance window ten working days ahead.",
            "Assign a named cloud engineer to the account.",
            "Send the root-cause report on the slow month-end close.",
        ],
    },
    "Service desk": {
        GOOD: ["Run a portal training session for new starters."],
        BAD: [
            "Review every reopened ticket with the team lead each week.",
            "Add a second agent to the morning shift.",
            "Call the customer back before closing any P2 ticket.",
        ],
    },
    "Managed network": {
        GOOD: ["Propose a Wi-Fi survey for the new hall."],
        BAD: [
            "Send the root-cause report on the packaging line outage.",
            "Set up text alerts for site outages.",
        ],
    },
    "Backup and recovery": {
        GOOD: ["Schedule the next restore test with the records team."],
        BAD: [
            "Send a restore time report every month.",
            "Alert the service owner whenever a backup job fails.",
            "Deliver the disaster-recovery test results.",
        ],
    },
    "Microsoft 365 management": {
        GOOD: ["Prepare a Copilot licensing proposal."],
        BAD: ["Announce policy changes to the drivers' managers in advance."],
    },
    "account": {
        GOOD: ["Send the agenda for the next review two weeks ahead."],
        BAD: ["Book a service improvement workshop with the account lead."],
    },
    "breached but content": {
        GOOD: ["Share the incident review and the storage upgrade plan."],
        BAD: [],
    },
}

QBR = "Quarterly service review"
HOSTING, DESK, BACKUP = "Cloud hosting", "Service desk", "Backup and recovery"
NETWORK, M365 = "Managed network", "Microsoft 365 management"

#: Per customer: (month index, day, channel, title, SLAs discussed). An SLA is named by
#: its service, "SLA" for the customer's own customer SLA, or in full.
PLANS: dict[str, list[tuple[int, int, str, str, list[str]]]] = {
    "Acme Manufacturing": [
        (3, 14, "qbr", "Executive steering review", ["Acme Finance SLA"]),
        (9, 12, "qbr", "Executive steering review", ["Acme Operations SLA"]),
        (15, 11, "qbr", "Executive steering review", ["Acme Finance SLA"]),
        (
            16,
            20,
            "call",
            "Call with the CIO about month-end close",
            ["Acme Finance / Cloud hosting"],
        ),
    ],
    "Acme Finance": [
        (2, 9, "qbr", QBR, [HOSTING, DESK]),
        (5, 7, "qbr", QBR, [HOSTING, DESK]),
        (8, 10, "qbr", QBR, [HOSTING, DESK]),
        (11, 6, "workshop", "Service desk renegotiation workshop", [DESK]),
        (11, 19, "qbr", QBR, [HOSTING, "SLA"]),
        (13, 15, "call", "Call about the Saturday maintenance", [HOSTING]),
        (14, 8, "qbr", QBR, [HOSTING, "SLA"]),
        (17, 9, "qbr", QBR, [HOSTING, DESK]),
    ],
    "Acme Operations": [
        (2, 16, "qbr", QBR, [NETWORK]),
        (4, 22, "site_visit", "Plant visit: packaging hall network", [NETWORK]),
        (5, 14, "qbr", QBR, [NETWORK]),
        (8, 17, "qbr", QBR, [NETWORK]),
        (10, 3, "call", "Call after the packaging line outage", [NETWORK]),
        (11, 13, "qbr", QBR, [NETWORK]),
        (14, 15, "qbr", QBR, [NETWORK]),
        (17, 16, "qbr", QBR, [NETWORK, "SLA"]),
    ],
    "Northwind Health": [
        (1, 20, "workshop", "Clinical service desk workshop", [DESK]),
        (2, 11, "qbr", QBR, [HOSTING, DESK]),
        (5, 12, "qbr", QBR, [HOSTING, BACKUP]),
        (7, 4, "call", "Call after the hosting P1 incident", [HOSTING]),
        (8, 13, "qbr", QBR, [HOSTING, BACKUP]),
        (11, 10, "qbr", QBR, [BACKUP, HOSTING]),
        (13, 18, "call", "Call about the slow ward system restore", [BACKUP]),
        (14, 12, "qbr", QBR, [BACKUP, DESK]),
        (16, 24, "site_visit", "Site visit: disaster-recovery rehearsal", [BACKUP]),
        (17, 14, "qbr", QBR, [BACKUP, HOSTING]),
    ],
    "Globex Logistics": [
        (2, 18, "qbr", QBR, [DESK, M365]),
        (4, 9, "workshop", "Microsoft 365 security workshop", [M365]),
        (5, 20, "qbr", QBR, [DESK]),
        (8, 19, "qbr", QBR, [DESK, M365]),
        (11, 17, "qbr", QBR, [DESK]),
        (13, 8, "call", "Escalation call: depot tickets", [DESK]),
        (14, 18, "qbr", QBR, [DESK, M365]),
        (15, 21, "site_visit", "Depot visit: backup onboarding", [BACKUP]),
        (17, 20, "qbr", QBR, [DESK, "SLA"]),
    ],
}


def sla_name(customer: str, short: str) -> str:
    """The full name of an SLA named in :data:`PLANS`."""
    if short == "SLA":
        return f"{customer} SLA"
    if "/" in short or short.endswith(" SLA"):
        return short
    return f"{customer} / {short}"
