"""Printable documents of a meeting: the minutes (会议纪要) and each resolution (协商议事决议).

``build`` turns a meeting's events into the plain values of ``model`` (pure, unit-tested);
``pdf`` lays them out on A4 with WeasyPrint, the Noto CJK fonts embedded.
"""
