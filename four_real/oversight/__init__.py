"""Oversight of enterprises and townships: complaint leads (线索) with their deadlines and closure rates,
the 安薪指数 aggregated per enterprise, township and sector, red/yellow/green enterprise grades and the
three-stage escalation of repeat offenders (the seed guidance, 第五、十、十二条)."""
