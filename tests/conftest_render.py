"""Maps built in Python for the renderer's tests: realistic, deterministic, any size."""

from __future__ import annotations

import datetime as dt

from journeyline.model import (
    Backstory,
    Branch,
    Evidence,
    JourneyMap,
    LaneDefinition,
    Measured,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Stage,
    Step,
    Workspace,
)


def trial_workspace() -> Workspace:
    """A SaaS trial map: 5 stages, 13 steps, two personas, pains, ideas, evidence, a custom lane."""
    priya = Persona(
        id="priya",
        name="Priya Raman",
        role="Product lead at a 40-person fintech",
        goals=[
            "Pick a tool the whole team adopts",
            "Prove value within the trial",
            "Keep data in the EU",
        ],
        challenges=[
            "No time for long demos",
            "Security review takes weeks",
            "Pricing pages hide the real cost",
        ],
        quote="If I can't see it working in a day, I move on.",
        demographics={"Age": "34", "Location": "Berlin"},
        preferred_channels=["web", "email"],
        avatar="🧑‍💼",
    )
    sam = Persona(
        id="sam",
        name="Sam Okafor",
        role="Engineer asked to set it up",
        goals=["Install without drama"],
        challenges=["Vague docs"],
    )
    stages = [
        Stage(
            id="aware",
            name="Awareness",
            goal="Find tools that solve journey mapping",
            duration="1–2 weeks",
            steps=[
                Step(
                    id="hear",
                    name="Hears about the tool from a peer",
                    channel="word_of_mouth",
                    touchpoint="Slack community",
                    does="Reads a thread recommending the tool",
                    thinks="Another tool? Let's see if it is different.",
                    feels="Curious",
                    emotion=1,
                    emotions={"priya": 1, "sam": 0},
                    actors=["Community team"],
                ),
                Step(
                    id="site",
                    name="Visits the home page",
                    channel="web",
                    touchpoint="Home page",
                    does="Skims the hero and the customer logos",
                    thinks="Looks polished, but what does it cost?",
                    feels="Interested",
                    emotion=2,
                    emotions={"priya": 2, "sam": 1},
                ),
            ],
        ),
        Stage(
            id="eval",
            name="Evaluation",
            goal="Decide whether a trial is worth the time",
            expectations=["Clear pricing", "Self-serve trial"],
            steps=[
                Step(
                    id="pricing",
                    name="Looks for pricing",
                    kind="question",
                    channel="web",
                    touchpoint="Pricing page",
                    does="Searches for the price of the team plan",
                    thinks="Why do I have to talk to sales to see a price?",
                    feels="Annoyed",
                    emotion=-2,
                    emotions={"priya": -2, "sam": -1},
                    moment_of_truth=True,
                ),
                Step(
                    id="signup",
                    name="Starts the free trial",
                    kind="decision",
                    channel="web",
                    touchpoint="Sign-up form",
                    does="Fills in the form with a work email",
                    feels="Hopeful",
                    emotion=1,
                    emotions={"priya": 1, "sam": 1},
                    branches=[Branch(label="Trial", to="verify"), Branch(label="Leave")],
                ),
                Step(
                    id="verify",
                    name="Verifies the email address",
                    channel="email",
                    touchpoint="Welcome email",
                    does="Waits for the verification email, finds it in spam",
                    feels="Impatient",
                    emotion=-3,
                    emotions={"priya": -3, "sam": -2},
                    metrics=[Metric(name="Verified within 1h", value=61, unit="%", target=90)],
                    measured=Measured(
                        units=1840,
                        share=0.61,
                        conversion=0.74,
                        dropoff=0.26,
                        median_seconds=740,
                        unit="user",
                    ),
                ),
            ],
        ),
        Stage(
            id="onboard",
            name="Onboarding",
            goal="See the first map working with real data",
            duration="1 day",
            steps=[
                Step(
                    id="install",
                    name="Installs the data connector",
                    channel="in_product",
                    touchpoint="Setup wizard",
                    does="Copies an API key into the analytics tool",
                    thinks="The docs skip a step here.",
                    feels="Frustrated",
                    emotion=-4,
                    emotions={"priya": -2, "sam": -4},
                    personas=[],
                    actors=["Integrations team", "Connector service"],
                ),
                Step(
                    id="sync",
                    name="Connector syncs events overnight",
                    channel="system",
                    zone="backstage",
                    does="Batch job imports the last 30 days of events",
                    emotion=None,
                    actors=["Data platform"],
                ),
                Step(
                    id="firstmap",
                    name="Sees the first journey map",
                    channel="in_product",
                    touchpoint="Map board",
                    does="Opens the generated map and shares it with the team",
                    thinks="This is exactly the picture I wanted!",
                    feels="Delighted",
                    emotion=4,
                    emotions={"priya": 4, "sam": 2},
                    moment_of_truth=True,
                    image="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCA0IDMiPjxyZWN0IHdpZHRoPSI0IiBoZWlnaHQ9IjMiIGZpbGw9IiM5M2M1ZmQiLz48L3N2Zz4=",
                ),
            ],
        ),
        Stage(
            id="buy",
            name="Purchase",
            goal="Get approval and pay",
            steps=[
                Step(
                    id="security",
                    name="Security review",
                    kind="question",
                    channel="email",
                    touchpoint="Security questionnaire",
                    does="Sends the 120-question vendor questionnaire",
                    thinks="This will take weeks.",
                    feels="Drained",
                    emotion=-1,
                    emotions={"priya": -1, "sam": 0},
                    actors=["Security team"],
                ),
                Step(
                    id="pay",
                    name="Pays by card",
                    channel="web",
                    touchpoint="Checkout",
                    does="Enters card details and upgrades the workspace",
                    feels="Relieved",
                    emotion=2,
                    emotions={"priya": 2, "sam": 1},
                    lanes={"compliance": "PCI scope: card data handled by the payment provider"},
                ),
            ],
        ),
        Stage(
            id="renew",
            name="Renewal",
            goal="Keep using it because it pays off",
            steps=[
                Step(
                    id="review",
                    name="Quarterly review with CSM",
                    channel="video",
                    touchpoint="Business review call",
                    does="Walks through adoption figures",
                    feels="Confident",
                    emotion=3,
                    emotions={"priya": 3, "sam": 1},
                    notes="Bring the adoption dashboard.",
                ),
                Step(
                    id="renewal",
                    name="Renews for a year",
                    kind="decision",
                    channel="email",
                    touchpoint="Renewal quote",
                    does="Signs the renewal",
                    feels="Satisfied",
                    emotion=3,
                    emotions={"priya": 3, "sam": 2},
                    branches=[Branch(label="Renew", to=None), Branch(label="Churn", to="hear")],
                ),
            ],
        ),
    ]
    journey = JourneyMap(
        id="saas-trial",
        name="SaaS trial evaluation",
        personas=["priya", "sam"],
        scenario="A product lead evaluates a journey-mapping SaaS with a 14-day trial",
        goal="Decide on a tool and roll it out to the team",
        timeframe="3 weeks",
        status="validated",
        owner="Growth team",
        review_date=dt.date(2025, 3, 1),
        lanes=[
            "actions",
            "touchpoints",
            "channels",
            "thinks",
            "feels",
            "sentiment",
            "pain_points",
            "opportunities",
            "backstage",
            "metrics",
            "compliance",
            "notes",
        ],
        backstory=Backstory(
            story="Priya's team maps journeys in slide decks that go stale within a month. She has two weeks to find something better before planning.",
            highest_goal="A customer view the whole company trusts",
            pain_points=["Slides go stale"],
        ),
        stages=stages,
        pain_points=[
            PainPoint(
                id="p-price",
                name="No public price for the team plan",
                step="pricing",
                impact="workaround",
                reach=0.8,
            ),
            PainPoint(
                id="p-spam",
                name="Verification email lands in spam",
                step="verify",
                impact="abandon",
                reach=0.26,
            ),
            PainPoint(
                id="p-docs",
                name="Setup docs skip the API-key step",
                step="install",
                impact="workaround",
                reach=0.4,
            ),
            PainPoint(
                id="p-sec",
                name="Security questionnaire has no ready answers",
                step="security",
                impact="trivial",
            ),
            PainPoint(
                id="p-general",
                name="Nobody owns the trial experience end to end",
                impact="workaround",
            ),
        ],
        opportunities=[
            Opportunity(
                id="o-price",
                name="Publish team-plan pricing",
                pain_points=["p-price"],
                votes=7,
                owner="Marketing",
                effort="s",
                impact="high",
                status="planned",
            ),
            Opportunity(
                id="o-magic",
                name="Magic-link sign-in instead of verification email",
                pain_points=["p-spam"],
                votes=5,
                owner="Identity team",
                effort="m",
                impact="high",
            ),
            Opportunity(
                id="o-trust",
                name="Trust centre with pre-filled questionnaire",
                steps=["security"],
                votes=3,
                owner="Security",
                effort="m",
                impact="medium",
                status="in_progress",
            ),
        ],
        evidence=[
            Evidence(
                id="e1",
                name="Trial interviews, round 2",
                kind="interview",
                quote="I gave up when the email never came.",
                links=["verify", "p-spam", "eval"],
            ),
            Evidence(
                id="e2",
                name="Funnel export Q3",
                kind="analytics",
                links=["signup", "firstmap", "pay", "p-price"],
            ),
        ],
    )
    return Workspace(
        id="ws",
        name="Acme",
        personas=[priya, sam],
        lanes=[LaneDefinition(id="compliance", name="Compliance")],
        maps=[journey],
        evidence=[Evidence(id="e3", name="Persona research 2024", kind="survey", links=["priya"])],
    )


def big_map(steps: int = 500, stages: int = 12) -> tuple[Workspace, JourneyMap]:
    """A generated map of `steps` steps over `stages` stages, every lane filled."""
    per = [steps // stages + (1 if i < steps % stages else 0) for i in range(stages)]
    made: list[Stage] = []
    pains: list[PainPoint] = []
    opps: list[Opportunity] = []
    n = 0
    for s, count in enumerate(per):
        items = []
        for _ in range(count):
            n += 1
            score = ((n * 7) % 11) - 5
            items.append(
                Step(
                    id=f"st{n}",
                    name=f"Step {n}: the customer does something worth mapping",
                    kind=("action", "question", "decision")[n % 3],
                    channel=("web", "email", "phone", "chat", "in_store")[n % 5],
                    touchpoint=f"Touchpoint {n}",
                    does=f"Does thing number {n}, which takes a sentence or two to describe properly.",
                    thinks=f"Thought {n}: is this going to work the way I hope?",
                    feels=("Curious", "Annoyed", "Relieved", "Hopeful")[n % 4],
                    emotion=score,
                    moment_of_truth=n % 17 == 0,
                    actors=["Support"] if n % 4 == 0 else [],
                    metrics=[Metric(name="Conversion", value=n % 100, unit="%")]
                    if n % 6 == 0
                    else [],
                    notes=f"Note {n}" if n % 9 == 0 else None,
                )
            )
            if n % 5 == 0:
                pains.append(
                    PainPoint(
                        id=f"p{n}",
                        name=f"Pain at step {n}",
                        step=f"st{n}",
                        impact=("trivial", "workaround", "abandon")[n % 3],
                    )
                )
            if n % 10 == 0:
                opps.append(
                    Opportunity(
                        id=f"o{n}",
                        name=f"Idea for step {n}",
                        steps=[f"st{n}"],
                        votes=n % 7,
                        owner="Team",
                    )
                )
        made.append(
            Stage(id=f"s{s + 1}", name=f"Stage {s + 1}", goal=f"Goal of stage {s + 1}", steps=items)
        )
    journey = JourneyMap(
        id="big",
        name=f"Generated map, {steps} steps",
        stages=made,
        pain_points=pains,
        opportunities=opps,
    )
    workspace = Workspace(id="ws", maps=[journey])
    return workspace, journey
