"""Moderation of the success stories: the consent check and the commune's approval."""
