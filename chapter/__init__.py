"""The chapter: its content, the maths engine, and the code that turns both into a page."""
