"""maqa: multi-agency quality assurance audits for Safeguarding Children Partnerships."""
