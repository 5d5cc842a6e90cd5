"""The room: the participant join page, the facilitator hub (links, stages, timer, people,
the check-in wall, moderation) and the registry that picks each stage's participant panel."""
