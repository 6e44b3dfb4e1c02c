"""talentcli: competency assessments of civil servants -> talent maps, placements, plans."""

__version__ = "0.1.0"
