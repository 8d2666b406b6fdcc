# syntax=docker/dockerfile:1
# piiscan's local web page and REST service (`piiscan serve`), for one machine.
#
#   docker build -t piiscan-cn .
#   docker run --rm -p 127.0.0.1:8000:8000 piiscan-cn
#   open http://127.0.0.1:8000/
#
# Publish the port on 127.0.0.1 only, as above: `-p 8000:8000` would let every machine
# on the network upload files to it. Inside the container the service must listen on
# 0.0.0.0 to be reachable through the published port; it prints a warning saying so.

# --- build: a wheel of piiscan-cn and of everything the web extra needs ---------------
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY patterns ./patterns
COPY piiscan ./piiscan
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[web]"

# --- run: the wheels installed offline, a user without privileges --------------------
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin piiscan
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels "piiscan-cn[web]" && rm -rf /wheels
USER piiscan
WORKDIR /home/piiscan
EXPOSE 8000
# The same route the tests ask (tests/test_web_server.py); no curl in a slim image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4).status != 200)"]
CMD ["piiscan", "serve", "--host", "0.0.0.0", "--port", "8000"]
