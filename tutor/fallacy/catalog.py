"""The fallacy types the checker knows: what each is, why it hurts, how to repair it.

Every definition, explanation and example here was written for this project.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.errors import UsageError


@dataclass(frozen=True)
class FallacyType:
    id: str
    label: str
    definition: str
    why: str
    repair: str
    examples: tuple[str, ...]
    subtypes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "label": self.label,
            "definition": self.definition,
            "why": self.why,
            "repair": self.repair,
            "examples": list(self.examples),
        }
        if self.subtypes:
            data["subtypes"] = list(self.subtypes)
        return data


FALLACY_TYPES: tuple[FallacyType, ...] = (
    FallacyType(
        "ad_hominem", "Ad hominem",
        "Attacking the person who makes an argument (their intelligence, character, literacy: abusive) "
        "or their situation and motives (circumstantial) instead of the argument itself.",
        "Who says a thing does not make it true or false; the claim stands or falls on its reasons, "
        "so the attack leaves the argument untouched while poisoning the exchange.",
        "Drop the remark about the person and answer the claim: quote it and show which premise is false "
        "or which step does not follow.",
        (
            "Your point about tariffs is worthless because you can't even spell 'economy'.",
            "Of course the cycling lobbyist wants bike lanes; ignore whatever she says about traffic data.",
            "Only an idiot would think the school uniform policy saves money.",
        ),
        ("abusive", "circumstantial"),
    ),
    FallacyType(
        "equivocation", "Equivocation",
        "Letting a key term slide between two meanings in one argument or one debate, so that a step "
        "valid for one sense is used as if it held for the other.",
        "The argument only looks connected: its premises are true in one sense and the conclusion needs "
        "the other, so nothing has actually been shown.",
        "Fix one meaning for the term (define it once), or use two different words for the two senses "
        "and check that each step still holds.",
        (
            "'Power' means the ability to attract others, and attraction cannot force anyone, so soft power is no power at all.",
            "The law of gravity can't be broken, and laws should be obeyed, so breaking the speed law is as impossible as flying.",
            "Force only means the army; then again, sanctions are economic force, so all force is hard power.",
        ),
    ),
    FallacyType(
        "straw_man", "Straw man",
        "Replacing the opponent's actual position with a weaker or exaggerated version and refuting that instead.",
        "Beating a position nobody holds says nothing about the one that was argued.",
        "Restate the opponent's claim in a form they would accept, ideally quoting it, and answer that.",
        (
            "So you want fewer car lanes, which means you want everyone to walk to work in the snow.",
            "My opponent says we should study Korean dramas, so apparently she thinks Hollywood is worthless.",
            "You say sugar should be taxed; so you want the state to decide what every family eats.",
        ),
    ),
    FallacyType(
        "false_dilemma", "False dilemma",
        "Presenting two options as the only ones when others exist (either/or, with us or against us).",
        "The conclusion is forced only by hiding the middle ground or the third option.",
        "Name the options you left out and argue why the chosen one beats all of them, not just one rival.",
        (
            "Either we ban phones in class or we accept that students will never learn anything.",
            "Either a country goes to war or it does nothing; there is no other kind of pressure.",
            "You either support the new stadium or you don't care about this city.",
        ),
    ),
    FallacyType(
        "hasty_generalization", "Hasty generalization",
        "Drawing a claim about a whole class, a whole people or a whole group from too few cases, "
        "or stating a sweeping claim about all its members with no evidence.",
        "A few examples (or none) cannot carry 'all' or 'always'; sweeping claims about a people are "
        "stereotypes that any counter-example refutes.",
        "Limit the claim to what the evidence covers ('some', 'in this survey'), or cite data that "
        "represents the whole group.",
        (
            "My two vegan friends are always tired, so vegan diets make people weak.",
            "Asians are obsessed with authority.",
            "I met one rude driver in Paris, so Parisians are rude.",
        ),
    ),
    FallacyType(
        "appeal_to_authority", "Appeal to authority",
        "Treating a claim as true because someone famous or important said it, especially outside their "
        "expertise or without giving their reasons.",
        "Authority is evidence only when the person is an expert on the question and their reasons are "
        "available; a name alone proves nothing.",
        "Cite the expert's actual evidence or reasoning, and say why they are competent on this exact question.",
        (
            "A famous footballer says this diet works, so it must work.",
            "The president said climate models are wrong, and he would know.",
            "My professor thinks soft power is a myth, so it is settled.",
        ),
    ),
    FallacyType(
        "appeal_to_popularity", "Appeal to popularity",
        "Arguing that a claim is true or a choice good because many or most people believe or do it.",
        "Popularity measures what people think, not whether they are right; majorities have often been wrong.",
        "Give the reasons that make the claim true; use popularity only when the question is itself about what people prefer.",
        (
            "Millions of people use this app, so it can't be bad for privacy.",
            "Everyone at school thinks the new timetable is unfair, so it is unfair.",
            "Most people believe the moon affects sleep, so it must.",
        ),
    ),
    FallacyType(
        "appeal_to_tradition", "Appeal to tradition",
        "Arguing that something is right or better because it has always been done that way.",
        "Age shows that a practice survived, not that it is good or still fits present conditions.",
        "State the benefit the tradition delivers and show it still holds today, compared with the alternatives.",
        (
            "We have always had exams in June, so there is no reason to change.",
            "Our grandparents ate meat every day, so it is the right diet.",
            "This city has never had trams, and it shouldn't start now.",
        ),
    ),
    FallacyType(
        "appeal_to_nature", "Appeal to nature",
        "Arguing that something is good because it is natural, or bad because it is unnatural or artificial.",
        "'Natural' is not the same as safe or good (arsenic is natural, vaccines are not), so the label settles nothing.",
        "Argue from the actual effects: evidence of benefit or harm, not the origin of the thing.",
        (
            "Herbal remedies are natural, so they are safer than medicine.",
            "Competition is natural, so schools should rank every child.",
            "Lab-grown meat is unnatural and therefore bad for you.",
        ),
    ),
    FallacyType(
        "appeal_to_emotion", "Appeal to emotion",
        "Trying to win agreement by stirring fear, pity, anger or pride in place of reasons.",
        "Feelings can show that something matters, but they cannot show which claim is true.",
        "Keep the concern and add the evidence: what happens, how often, and why your proposal helps.",
        (
            "Think of the poor children crying; how can you possibly support this budget?",
            "If you had any heart at all, you would vote for the new law.",
            "Imagine your own family trapped in the fire, and then tell me the rule is unnecessary.",
        ),
    ),
    FallacyType(
        "slippery_slope", "Slippery slope",
        "Claiming that a first step will inevitably lead, through a chain of steps, to an extreme outcome, "
        "without showing that each step is likely.",
        "Each link in the chain is a separate claim; unsupported links make the feared end no more likely.",
        "Give evidence for each step, or argue against the first step on its own merits.",
        (
            "If we allow phones at lunch, soon they will be in every lesson and nobody will learn to read.",
            "Let the city add one bus lane and before long cars will be banned entirely.",
            "Once we accept a sugar tax, the government will end up taxing every food we like.",
        ),
    ),
    FallacyType(
        "tu_quoque", "Tu quoque",
        "Rejecting a criticism or argument because the person making it does not act consistently with it ('you do it too').",
        "Hypocrisy is a fact about the speaker; the criticism may still be correct.",
        "Answer the criticism itself; raise the speaker's conduct separately if it matters.",
        (
            "You tell me to eat less sugar, but you had cake yesterday, so your advice is wrong.",
            "Why should we cut emissions when your country polluted for a century?",
            "The coach says to sleep more, but he stays up late himself.",
        ),
    ),
    FallacyType(
        "whataboutism", "Whataboutism",
        "Deflecting a criticism by pointing to a different wrong elsewhere ('what about ...?') instead of answering it.",
        "Another party's faults do not answer the charge; the original question is left unanswered.",
        "Answer the criticism first; if the comparison matters, argue explicitly why it changes the judgement.",
        (
            "Our city's buses are late? What about the trains in the capital?",
            "Why complain about this censorship when other countries censor too?",
            "What about the other school's cheating scandal, then?",
        ),
    ),
    FallacyType(
        "circular_reasoning", "Circular reasoning",
        "Using the conclusion (in other words) as a premise, so the argument assumes what it sets out to prove (begging the question).",
        "An argument that already assumes its conclusion gives no independent reason to believe it.",
        "Replace the restated conclusion with an independent premise: evidence that does not presuppose the claim.",
        (
            "The policy is fair because it treats people fairly.",
            "Soft power is weak because it has no strength.",
            "This book is reliable because the book itself says it never lies.",
        ),
    ),
    FallacyType(
        "no_true_scotsman", "No true Scotsman",
        "Protecting a generalization from a counter-example by redefining the group so the example no longer counts ('no real fan would ...').",
        "Redefining the group after the fact makes the claim unfalsifiable, so it says nothing about the world.",
        "Accept the counter-example and narrow the claim, or define the group beforehand by a criterion that does not presuppose the claim.",
        (
            "No true athlete ever eats fast food; the one you saw eating it isn't a real athlete.",
            "A real teacher would never support homework bans.",
            "No genuine patriot would criticise the government.",
        ),
    ),
    FallacyType(
        "false_cause", "False cause",
        "Concluding that one thing caused another merely because it came first or they occur together.",
        "Sequence and correlation can come from chance, a common cause or the reverse direction.",
        "Show a mechanism and rule out the obvious alternatives, or say only that the two are correlated.",
        (
            "The team won after I wore my lucky socks, so the socks made them win.",
            "Since the new mayor came in, crime fell, so the mayor cut crime.",
            "Ice-cream sales and drownings rise together, so ice cream causes drowning.",
        ),
    ),
    FallacyType(
        "false_analogy", "False analogy",
        "Arguing that because two things are alike in some ways they must be alike in the way at issue, when they differ in the respects that matter.",
        "An analogy supports a conclusion only if the shared features are the ones that produce it.",
        "Name the shared feature the conclusion depends on and show the two cases really share it.",
        (
            "A country is like a household, so a government should never borrow money.",
            "Students are like customers, so teachers should give them whatever grades they want.",
            "Banning junk food ads is like banning books.",
        ),
    ),
    FallacyType(
        "loaded_question", "Loaded question",
        "Asking a question that presupposes an unproven or contested claim, so any direct answer concedes it.",
        "The hidden assumption is slipped in without argument, and the other side is trapped by answering.",
        "State the assumption as a claim and support it, then ask the open question.",
        (
            "Why do you keep lying about the bus figures?",
            "Have you stopped wasting the school's money?",
            "Why are cyclists so selfish?",
        ),
    ),
    FallacyType(
        "red_herring", "Red herring",
        "Introducing an irrelevant topic to divert attention from the question being argued.",
        "The new topic may be interesting, but it does not bear on the claim, and the debate loses its thread.",
        "Return to the question and answer it, or show explicitly how the new point bears on it.",
        (
            "We are discussing bike lanes, but have you seen how expensive housing has become?",
            "Sure the exam was unfair, but the real issue is how lazy students are these days.",
            "You ask about the budget; let me tell you about our great football team.",
        ),
    ),
    FallacyType(
        "burden_shifting", "Burden shifting",
        "Demanding that the other side disprove a claim instead of supporting it ('prove me wrong'), or treating lack of disproof as proof.",
        "Whoever makes a claim must support it; absence of a refutation is not evidence.",
        "Give your own evidence for the claim; treat a missing refutation as 'not yet shown', not as proof.",
        (
            "You can't prove the new diet doesn't work, so it works.",
            "Prove to me that soft power exists; until then it is a myth.",
            "Nobody has shown the policy is harmful, so it is safe.",
        ),
    ),
)

_BY_ID = {t.id: t for t in FALLACY_TYPES}
TYPE_IDS: tuple[str, ...] = tuple(t.id for t in FALLACY_TYPES)


def get_type(type_id: str) -> FallacyType:
    try:
        return _BY_ID[type_id]
    except KeyError:
        raise UsageError(f"unknown fallacy type {type_id!r}", "run `tutor fallacies` for the list") from None
