"""The browser side of the board as the server sees it: HTML pages, static files, vendored
scripts. The JSON they fetch is all in ``board.api``."""
