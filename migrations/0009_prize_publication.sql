-- The innovation prize, the final report's public summary and the annual
-- summaries a fund has published.

-- The final report's short summary: two or three sentences for the annual
-- summary and the public project pages.
ALTER TABLE reports ADD COLUMN summary text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000);

-- The committee's prize decisions for a fund and year: one winner and any
-- number of honourable mentions, each with a citation. Only completed
-- projects nominated in their evaluation can be picked (checked in grants).
CREATE TABLE prize_awards (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id        bigint NOT NULL REFERENCES funds,
    year           int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    application_id bigint NOT NULL REFERENCES applications,
    rank           text NOT NULL CHECK (rank IN ('winner', 'mention')),
    citation       text NOT NULL CHECK (length(citation) BETWEEN 1 AND 5000),
    awarded_by     bigint NOT NULL REFERENCES users,
    awarded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (fund_id, year, application_id)
);
CREATE UNIQUE INDEX prize_awards_one_winner ON prize_awards (fund_id, year) WHERE rank = 'winner';

-- Annual summaries published on the public pages.
CREATE TABLE published_summaries (
    fund_id      bigint NOT NULL REFERENCES funds,
    year         int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
    published_by bigint NOT NULL REFERENCES users,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fund_id, year)
);
