"""The committee paper: a content model built once as data, and writers that lay it out.

:mod:`fleksmon.paper.model` is the model (chapters, headings, paragraphs, tables,
figures); :mod:`fleksmon.paper.fleksjob` builds the "Udvikling i fleksjob" paper from
the report's results; :mod:`fleksmon.paper.word` writes any paper as a Word document.
"""
