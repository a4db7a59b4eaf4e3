# Airtime on one machine: SQLite in /data and the in-memory broker.
# The container runs the same command the tests run: `airtime serve`.
FROM python:3.11-slim

RUN useradd --create-home --uid 10001 airtime \
    && mkdir /data && chown airtime /data
WORKDIR /srv/airtime
COPY pyproject.toml README.md ./
COPY app ./app
COPY web ./web
RUN pip install --no-cache-dir -e .

USER airtime
ENV AIRTIME_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["airtime", "serve", "--host", "0.0.0.0", "--port", "8000"]
