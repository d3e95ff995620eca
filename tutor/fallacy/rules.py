"""Explainable surface rules: each marks a span in a sentence and says what it saw.

A rule hit alone never makes a finding: hits are features for the classifier
(which has learned how far to trust each one) and, when a finding is made,
they supply the exact phrase the explanation quotes. Offsets are always into
the original text; matching is done on the unchanged string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tutor.fallacy.catalog import TYPE_IDS

# Types the sentence rules and the classifier cover (equivocation needs several
# sentences and has its own detector).
SENTENCE_TYPES: tuple[str, ...] = tuple(t for t in TYPE_IDS if t != "equivocation")

_I = re.IGNORECASE

_INSULT = (
    r"illitera\w*|idiot\w*|moron\w*|stupid\w*|dumb\w*|ignoran\w*|clueless|fools?|foolish|troll|loser|liars?|crooks?|"
    r"frauds?|pathetic|brainwashed|imbecile\w*|cretin\w*|retard\w*|lunatic|clowns?|halfwit\w*|snobs?|drunk|shill|"
    r"fanboy|arrogant|incompetent|uneducated|spoiled|addict"
)
_PERSON_FLAW = (
    r"literacy|illiteracy|ignorance|stupidity|grammar|spelling|schooling|education|brain|reading level|"
    r"intelligence|iq|degree|mental\w*|sanity|laziness"
)
_GROUPS = (
    r"asians?|americans?|europeans?|africans?|westerners?|easterners?|chinese|japanese|koreans?|germans?|"
    r"french|italians?|russians?|indians?|british|brits|muslims?|christians?|jews|immigrants?|foreigners?|"
    r"refugees?|women|men|girls|boys|teenagers?|millennials?|boomers?|gamers?|politicians?|scientists?|"
    r"teachers?|students?|farmers?|cyclists?|drivers?|tourists?|fans|rich people|poor people|the rich|the poor|"
    r"old people|young people|public servants?|westerners|parisians|londoners|vegans?|liberals?|conservatives?"
)
_EVIDENCE = re.compile(
    r"\b(percent|%|survey\w*|data|census|statistic\w*|according to|studies|study of|trials?|randomi[sz]ed|"
    r"records?|measured|analys[ie]s|figures|report\w*|evidence|controlled|meta-analys\w*)\b",
    _I,
)


@dataclass(frozen=True)
class RuleHit:
    type: str
    start: int  # absolute offsets into the checked text
    end: int
    rule: str
    subtype: str | None = None


# (type, rule name, subtype, pattern). Patterns run over one sentence unit.
_RULES: list[tuple[str, str, str | None, re.Pattern[str]]] = []


def _rule(type_id: str, name: str, pattern: str, subtype: str | None = None) -> None:
    _RULES.append((type_id, name, subtype, re.compile(pattern, _I)))


# ad hominem, abusive: an insult aimed at the other person
_rule("ad_hominem", "insult_to_you",
      rf"\b(?:you(?:'re| are)?|your|he(?:'s| is)|she(?:'s| is)|they(?:'re| are)|people like you)\b[^.?!;]{{0,40}}?\b(?:{_INSULT})\b",
      "abusive")
_rule("ad_hominem", "your_flaw", rf"\b(?:your|his|her)\s+(?:own\s+|actual\s+|pathetic\s+|little\s+)*(?:{_PERSON_FLAW})\b", "abusive")
_rule("ad_hominem", "only_an_idiot", rf"\b(?:only|any(?:one)?|no one but)\s+(?:an?\s+)?(?:{_INSULT})\b(?:\s+[\w'-]+){{0,3}}", "abusive")
_rule("ad_hominem", "like_your", rf"\blike your (?:{_PERSON_FLAW})\b", "abusive")
_rule("ad_hominem", "cant_even", r"\b(?:you|he|she) can'?t even (?:read|spell|write|count|cook)\b[^.?!,;]{0,30}", "abusive")
_rule("ad_hominem", "too_x_to", r"\byou(?:'re| are) (?:too (?:stupid|young|dumb|ignorant)|a (?:moron|fool|troll|child))\b", "abusive")
_rule("ad_hominem", "is_a_insult", rf"\b(?:is|are|'s|was) (?:an? )?(?:known |arrogant |failed |total |complete |clueless |pathetic )*(?:{_INSULT})\b", "abusive")
_rule("ad_hominem", "cant_read", r"\b(?:can'?t|cannot|never learned to) (?:even )?(?:read|spell|write|count|cook)\b[^.?!,;]{0,25}|\bdropped out\b|\bfailed (?:maths|math|school|his exams|her exams)\b|\bno education\b|\bnever (?:won|played|read) (?:anything|a|a single)\b[^.?!,;]{0,20}", "abusive")
_rule("ad_hominem", "sarcastic_genius", r",\s*(?:genius|einstein|smart guy|professor)\s*[.!?]?$", "abusive")
_rule("ad_hominem", "dont_listen", r"\b(?:why should (?:anyone|we|i) (?:listen|trust|believe)|don'?t listen to (?:him|her|them)|nobody should take [\w\s]{1,20} from)\b", "circumstantial")
_rule("ad_hominem", "personal_life", r"\bwho cheated on\b[^.?!,;]{0,20}|\byou(?:'re| are) an? (?:foreigner|teenager|child|kid|addict)\b|\bteenager with no\b", "circumstantial")
_rule("ad_hominem", "their_view_worthless", r"\b(?:his|her|their|your) (?:argument|plan|figures|account|view|opinion|claim|analysis|review|report|point|post|case|study|warning|complaint)\b[^.?!]{0,50}?\b(?:is |are |)(?:worthless|rubbish|invalid|meaningless|lies|irrelevant|nonsense|can'?t be trusted|should be ignored|hypocritical)\b")
# ad hominem, circumstantial: motives or situation instead of the argument
_rule("ad_hominem", "of_course_he", r"\bof course (?:the [\w\s-]{1,30}?|he|she|they|you)\s+(?:would|wants?|says?|defends?|opposes?|supports?)\b[^.?!;]{0,40}",
      "circumstantial")
_rule("ad_hominem", "would_say_that", r"\b(?:(?:he|she|they|you) would say that|gets? paid to say|paid shill|funded by the [\w-]+ industry|just protecting their|just wants to keep)\b",
      "circumstantial")
_rule("ad_hominem", "as_a_x_no_right", r"\bas an? [\w\s-]{2,30}, (?:you|he|she) (?:have|has) no right\b", "circumstantial")
_rule("ad_hominem", "so_ignore", r"\b(?:so|can be|should be)\s+(?:ignored?|thrown out|dismissed)\b|\bignore (?:whatever|everything|what) (?:he|she|they) says?\b",
      "circumstantial")

_rule("straw_man", "so_you_want",
      r"\bso,? (?:you|he|she|they|my opponent)(?:'re| are| is)? (?:saying|want|wants|think|thinks|believe|believes|must|basically|obviously|clearly|apparently)\b")
_rule("straw_man", "which_means_you", r"\b(?:which|this|that) (?:means|is to say) (?:you|he|she|they)\b(?: \w+){0,3}")
_rule("straw_man", "you_must_want", r"\b(?:you|he|she|they) (?:must|obviously|clearly|basically|apparently) (?:want|think|believe|hate|oppose)s?\b")
_rule("straw_man", "so_according", r"\bso (?:according to you|your position is|you admit)\b")

_rule("false_dilemma", "either_or", r"\beither\b[^.?!]{1,90}?\bor\b")
_rule("false_dilemma", "only_two", r"\b(?:only (?:two|2) (?:choices|options|kinds|ways)|the only options are|no (?:middle|third) (?:way|option|ground)|the choice is (?:simple|clear)|must choose between)\b")
_rule("false_dilemma", "with_or_against", r"\b(?:with us or against us|part of the solution|you'?re (?:either|with))\b")

_rule("hasty_generalization", "group_claim",
      rf"(?:^|[.;:!?]\s+|\b(?:all|every|most)\s+)(?:the\s+)?(?:{_GROUPS})\s+(?:are|is|always|never|all|can'?t|cannot|don'?t|do not|only|love|hate|refuse|have no|think|ignore|just)\b")
_rule("hasty_generalization", "every_group", rf"\b(?:all|every|no)\s+(?:the\s+)?(?:{_GROUPS}|[a-z]+ fans|politician|scientist|hollywood film)\b")
_rule("hasty_generalization", "anecdote_so",
      r"\b(?:my (?:two |)(?:friends?|cousin|neighbou?r(?:'s)?|grandfather|grandmother|uncle|brother|sister)|i (?:met|tried|visited|read|had) (?:one|two|a)|one (?:study|bad|rude)|i had one)\b[^.?!]{0,80}?\b(?:so|which proves|proves)\b")

_rule("appeal_to_authority", "says_so_must",
      r"\b(?:says?|said|believes?|believed|thinks?|claimed|declared|endorses|assured|agreed)\b[^.?!]{0,80}?\b(?:so (?:it|they|that|this|there|he|tablets|the|university|i|our|who)\b[^.?!]{0,30}?\b(?:must|is|are|was|does|do|stopped|will|should|settled|proven|correct|right))")
_rule("appeal_to_authority", "authority_closer",
      r"\b(?:he would know|and he knows|case closed|that settles (?:it|the question)|who are you to disagree|who knows better|cannot be wrong|end of the discussion|trust me)\b")
_rule("appeal_to_authority", "famous_person",
      r"\b(?:famous|celebrity|influencer|pop star|billionaire|nobel|streamer|hollywood star|rapper|footballer|bestselling|well-known|the president|the king|the pope|einstein|aristotle|my (?:dad|uncle|professor|doctor|yoga teacher|priest))\b")

_rule("appeal_to_popularity", "many_so",
      r"\b(?:millions|billions|everyone|everybody|most (?:people|voters|parents|coaches|of)|the majority|whole (?:class|world|internet)|all (?:my|the) (?:friends|popular|other)|nobody|half the internet|ninety percent)\b[^.?!]{0,80}?\b(?:so|which proves|which shows|proves|and everyone|can'?t be wrong|settles)\b")
_rule("appeal_to_popularity", "cant_be_wrong", r"\b(?:can'?t be wrong|cannot be wrong|rarely mistaken|everyone knows|went viral|million likes|upvotes|best-selling|most downloaded|topped the charts|trending)\b")

_rule("appeal_to_tradition", "always_been",
      r"\b(?:(?:have|has|had) always|always (?:been|had|done|said)|for (?:generations|centuries|a (?:hundred|thousand) years|two centuries)|since (?:ancient times|the founding|my father'?s time)|our (?:ancestors|grandparents)|tradition(?:al)?|the old ways|has never had|never had)\b")

_rule("appeal_to_nature", "natural",
      r"\b(?:natural(?:ly)?|unnatural|nature|artificial|chemicals?|synthetic|how nature intended|were(?:n'?t)? meant to|designed for)\b")

_rule("appeal_to_emotion", "emotion_cue",
      r"\b(?:think (?:of|how)|imagine|picture (?:your|the)|just picture|how can you (?:sleep|possibly)|if you had any heart|ashamed|shame on|how dare you|heartless|a monster|tears|crying|break my heart|haunted|heartbreaking|terrif\w+|feel the fear|you'?ll regret|true patriot|blood boil|don'?t you love)\b")

_rule("slippery_slope", "chain",
      r"\b(?:soon|next thing you know|before long|eventually|end up|within a (?:year|generation)|will lead to|on the road to|until (?:every|nothing)|never \w+ (?:again|properly)|next (?:we'?ll|they'?ll)|then (?:they'?ll|all))\b")
_rule("slippery_slope", "if_one", r"\b(?:if (?:we|you|the) (?:allow|let|permit|accept|give|start|ban|cut|raise|change|tolerate|relax|import|teach|lower)|once (?:we|you|a)|let (?:one|the|kids|children|students)|allow(?:ing)? one|open a single|one cheat)\b")

_rule("tu_quoque", "you_too",
      r"\b(?:but|yet|while|when) (?:you|he|she|they|your (?:own )?(?:country|government)) (?:yourself |himself |herself |themselves )?(?:smoke|drive|had|do|did|are|were|wear|play|own|fly|flies|stay|stays|scroll|scrolls|never|copied|insulted|got|spend|spends|runs|foul|ban|wave|watch|watches|polluted|colonised|spied|owns?|earn|judged|exaggerated|threw)\b")
_rule("tu_quoque", "look_who", r"\b(?:look who'?s talking|you do it too|you'?re (?:biased|rude) too|just as (?:much|emotional)|how can (?:you|a country) (?:lecture|tell|object|criticise))\b")
_rule("tu_quoque", "so_my_view", r"\b(?:so (?:my|our) [\w\s]{1,20}(?:stands|is fine|are justified|is justified)|so why (?:bother|listen)|so I'?m allowed)\b")

_rule("whataboutism", "what_about", r"\bwhat about\b[^.?!]{0,80}")
_rule("whataboutism", "why_when", r"\bwhy (?:complain|focus|pick on|single out|worry about|talk about|care about|criticise|do you care)\b[^.?!]{0,80}?\bwhen\b")
_rule("whataboutism", "before_you", r"\bbefore (?:you )?(?:attack|criticis|lectur|blam|ask)\w*\b[^.?!]{0,60}?\bwhat about\b")

_rule("no_true_scotsman", "no_true", r"\b(?:no|any|a|not a|aren'?t|isn'?t|never was a|were never a)\s+(?:true|real|genuine|proper)(?:ly)?\s+[a-z]+")

_rule("false_cause", "after_so",
      r"\b(?:after|since|ever since|when|every time|the year)\b[^.?!]{3,90}?\b(?:so|which proves|that proves|must be|must have)\b")
_rule("false_cause", "together", r"\b(?:rise together|rose together|and so did|go up together|the same year)\b")
_rule("false_cause", "made_caused", r"\bso (?:the |my |green |red |bread |ice cream |fast food |chocolate |vitamin c |the )?[\w\s-]{0,30}?\b(?:made|caused|causes|cured|brings?|prevents?|makes)\b")

_rule("false_analogy", "like", r"\b(?:is|are) (?:just |exactly |no different from |basically )?(?:like|similar to)\b[^.?!]{0,60}|\blike (?:banning|taxing|stealing|forcing|slavery|a prison|a police state|cheating|a flood|war|killing|buying|choosing|unpaid)\b[^.?!]{0,40}")

_rule("loaded_question", "why_so",
      r"^\s*(?:why (?:do|does|did|are|is|has|have)\b[^?]{0,80}?\b(?:so (?:selfish|lazy|greedy|desperate|afraid|biased|corrupt|arrogant|rude|stupid|susceptible|obsessed|addicted)|always|keep|keeps|never|still|hate|lying|wasting|lazy|greedy|selfish|corrupt|desperate|biased|refuse|betrayed|ruin|destroy|corrupt|afraid|hiding|covering|fake|unreliable|disrespect|addicted|like slaves)\b|have you (?:stopped|finally|given up)|when (?:will|did) (?:you|the)\b[^?]{0,40}?\b(?:admit|stop|start ignoring)|how (?:much|long) (?:were you|have you been|will)|are you still|do you still|who paid|what did the \w+ do with|what is your excuse|how can anyone still|how does it feel|did you know your)[^?]*\?")

_rule("red_herring", "real_issue",
      r"\b(?:but|yet|rather than|instead of)\b[^.?!]{0,40}?\b(?:the real (?:issue|question|scandal)|let'?s (?:talk|focus|not talk|move on|remember)|let me tell you|have you seen|did you know|think (?:of|about)|at least|look at|remember that|is less important)\b")
_rule("red_herring", "you_ask_but",
      r"\b(?:you ask|we are (?:discussing|debating|talking about|arguing)|we'?re (?:talking|arguing|debating)|the (?:question|issue|debate|accusation|report) (?:is|was|says)|you (?:want to know|raise|criticise|say))\b[^.?!]{0,80}?\b(?:but|yet)\b")

_rule("burden_shifting", "prove_me",
      r"\b(?:you can'?t|can you|you cannot|nobody (?:has|can)|no one has|unless you can|until (?:you|someone|scientists)|if you can'?t|go ahead and|show me)\b[^.?!]{0,30}?\b(?:prove|disprove|show|shown|demonstrate|demonstrates|refuted?|proven|the evidence)\b")
_rule("burden_shifting", "prove_to_me", r"\b(?:prove (?:me wrong|to me|that|my)|disprove my|burden is on you|up to you to prove|your job to show|not my job|lack of any evidence|no evidence it isn'?t|no proof)\b")


def rule_hits(text: str, start: int = 0, end: int | None = None) -> list[RuleHit]:
    """All rule hits inside text[start:end], offsets into text."""
    end = len(text) if end is None else end
    unit = text[start:end]
    if not unit.strip():
        return []
    hits: list[RuleHit] = []
    evidence = bool(_EVIDENCE.search(unit))
    for type_id, name, subtype, pattern in _RULES:
        if evidence and type_id in ("hasty_generalization", "false_cause", "appeal_to_authority"):
            continue  # the sentence gives data or studies: not a bare generalization/cause/authority
        for match in pattern.finditer(unit):
            s, e = match.span()
            # trim whitespace/punctuation so the quoted phrase is clean
            while s < e and (unit[s].isspace() or unit[s] in ".,;:!?"):
                s += 1
            while e > s and (unit[e - 1].isspace() or unit[e - 1] in ",;:"):
                e -= 1
            if e > s:
                hits.append(RuleHit(type_id, start + s, start + e, name, subtype))
    circular = _circular(unit)
    if circular:
        hits.append(RuleHit("circular_reasoning", start + circular[0], start + circular[1], "restates_conclusion"))
    return hits


_STOP = set(
    "the a an is are was were be been it its this that these those of to in on for and or but so because as by with "
    "he she they we i you his her their our my your not no do does did has have had than more most all any can will "
    "would should must only just very what which who whom".split()
)
_SYNONYMS = [
    {"fair", "fairly", "just", "justly"}, {"necessary", "need", "needed", "needs"}, {"weak", "strength", "strong"},
    {"true", "truth", "correct", "right"}, {"wrong", "incorrect"}, {"unhealthy", "health", "healthy", "bad for"},
    {"effective", "works", "work"}, {"harmful", "harm"}, {"popular", "like", "bestseller", "sells"},
    {"best", "better"}, {"dangerous", "unsafe", "safe"}, {"important", "matters", "matter"},
    {"reliable", "trustworthy", "lies", "true"}, {"honest", "lies", "lie"}, {"sense", "sensible"},
    {"lost", "win", "won"}, {"rise", "up", "going"}, {"real", "exist"}, {"leads", "leader"},
]
_WORDS = re.compile(r"[a-z]+")


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _WORDS.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _circular(unit: str) -> tuple[int, int] | None:
    """'X is Y because it is Y-again': a short reason restating the claim."""
    match = re.search(r"\bbecause\b", unit, _I)
    if not match:
        return None
    claim, reason = unit[: match.start()], unit[match.end():]
    reason_len = len(_WORDS.findall(reason.lower()))
    if reason_len > 10 or _EVIDENCE.search(unit):
        return None
    claim_words, reason_words = _stems(claim), _stems(reason)
    overlap = claim_words & reason_words
    low_claim, low_reason = claim.lower(), reason.lower()
    synonym = any(
        any(w in low_claim for w in group) and any(w in low_reason for w in group) for group in _SYNONYMS
    )
    if (overlap and len(overlap) / max(1, len(reason_words)) >= 0.3) or synonym:
        end = len(unit.rstrip())
        return (0, end)
    return None


def rule_flags(text: str, start: int = 0, end: int | None = None) -> dict[str, list[RuleHit]]:
    flags: dict[str, list[RuleHit]] = {}
    for hit in rule_hits(text, start, end):
        flags.setdefault(hit.type, []).append(hit)
    return flags
