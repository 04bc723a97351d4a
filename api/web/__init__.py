"""The Chinese site: server-rendered Jinja2 pages over the same service layer as the API."""
