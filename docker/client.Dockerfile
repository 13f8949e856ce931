# fedlab-client:local, docker-compose.yml's `client` service: the aws CLI on the host's Python,
# FROM scratch. Context: dist/client, staged by docker/build-client.sh.
FROM scratch
ARG PYTHON_BIN
COPY rootfs/ /
# HOME is where the aws CLI would keep a cache; AWS_CONFIG_FILE sets cli_follow_urlparam = false.
ENV PATH=/usr/local/bin:${PYTHON_BIN}:/bin \
    PYTHONPATH=/opt/awscli \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    AWS_CONFIG_FILE=/etc/aws-config \
    AWS_EC2_METADATA_DISABLED=true \
    AWS_PAGER=
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/gitlab-job"]
