"""S3Proxy as a real process, and a small S3 client (standard library only) that checks the bucket.

S3Proxy 4.1.0 (the jar Maven copies to target/s3proxy/s3proxy.jar, as the test suite's
S3ProxyServer starts it): filesystem blobstore, 127.0.0.1, AWS v2-or-v4 signing against fixed
credentials. Every check of the bucket goes through the S3 API (ListObjectsV2, HEAD, GET, signed
with Signature Version 4): what a node sees is what the checks see.

Seeding large datasets one PutObject at a time would take minutes per dataset, and S3 cannot set an
object's LastModified (which the orphan grace window reads): `Bucket.plant` writes a seeded object
straight into the blobstore's directory, the way jclouds' filesystem blobstore keeps it (one file
per key, `/` as directories), with the age it must have. S3Proxy serves such a file like any other
object; `Bucket.check_planting` proves it on every run (listing, HEAD, GET and LastModified of a
planted object through the API). The checks never read that directory.
"""
import datetime
import hashlib
import hmac
import http.client
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

from lib.context import ROOT, WORK, log
from lib.service import free_port

S3PROXY_JAR = os.path.join(ROOT, "target", "s3proxy", "s3proxy.jar")
IDENTITY = "storekeeper-reliability"
CREDENTIAL = "storekeeper-reliability-secret"
REGION = "us-east-1"
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def s3proxy_available():
    return os.path.exists(S3PROXY_JAR)


class S3Proxy:
    """One S3Proxy process with its own blobstore directory under the suite's scratch space."""

    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(WORK, f"{name}-s3proxy")
        self.blobs = os.path.join(self.dir, "blobs")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(WORK, f"{name}-s3proxy.log")
        self.proc = None

    def start(self, timeout=120):
        if not s3proxy_available():
            raise RuntimeError(f"no S3Proxy jar at {S3PROXY_JAR}: run `mvn -B process-test-resources`")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.blobs)
        props = os.path.join(self.dir, "s3proxy.properties")
        with open(props, "w") as f:
            f.write("\n".join([
                f"s3proxy.endpoint={self.endpoint}",
                "s3proxy.authorization=aws-v2-or-v4",
                f"s3proxy.identity={IDENTITY}",
                f"s3proxy.credential={CREDENTIAL}",
                "jclouds.provider=filesystem",
                f"jclouds.filesystem.basedir={self.blobs}", ""]))
        out = open(self.log_path, "wb")
        env = dict(os.environ, LOG_LEVEL="warn")
        self.proc = subprocess.Popen(
            ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", S3PROXY_JAR,
             "--properties", props], cwd=self.dir, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"S3Proxy exited with {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/")
                conn.getresponse().read()  # any answer (403 unsigned) means it is up
                conn.close()
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"S3Proxy did not come up; see {self.log_path}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def bucket(self, name):
        return Bucket(self, name)

    def env(self, bucket, prefix=""):
        """The settings a node (service or CLI) needs for this store."""
        return {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_PREFIX": prefix,
                "S3_ENDPOINT": self.endpoint, "S3_REGION": REGION, "S3_PATH_STYLE": "true",
                "AWS_ACCESS_KEY_ID": IDENTITY, "AWS_SECRET_ACCESS_KEY": CREDENTIAL}


def _sign(method, path, query, headers, payload_hash, now):
    """AWS Signature Version 4 for a path-style request; returns the Authorization header."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
        for k, v in sorted(query.items()))
    names = sorted(h.lower() for h in headers)
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    canonical_headers = "".join(f"{n}:{lower[n]}\n" for n in names)
    signed = ";".join(names)
    canonical = "\n".join([method, path, canonical_query, canonical_headers, signed, payload_hash])
    scope = f"{day}/{REGION}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + CREDENTIAL).encode()
    for part in (day, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"AWS4-HMAC-SHA256 Credential={IDENTITY}/{scope}, SignedHeaders={signed}, "
            f"Signature={signature}")


class Bucket:
    """One bucket through the S3 API; keys are exact strings (UTF-8, any byte but NUL)."""

    def __init__(self, proxy, name):
        self.proxy = proxy
        self.name = name
        self._conn = None

    # -- transport --------------------------------------------------------------------------

    def request(self, method, key=None, query=None, body=b"", headers=None, retries=3):
        query = query or {}
        path = "/" + self.name + ("" if key is None else "/" + urllib.parse.quote(key, safe="/-_.~"))
        payload_hash = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
        now = datetime.datetime.now(datetime.timezone.utc)
        hdrs = dict(headers or {})
        hdrs.update({"host": f"127.0.0.1:{self.proxy.port}",
                     "x-amz-date": now.strftime("%Y%m%dT%H%M%SZ"),
                     "x-amz-content-sha256": payload_hash})
        hdrs["Authorization"] = _sign(method, path, query, hdrs, payload_hash, now)
        url = path + ("?" + "&".join(
            f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
            for k, v in sorted(query.items())) if query else "")
        for attempt in range(retries):
            try:
                if self._conn is None:
                    self._conn = http.client.HTTPConnection("127.0.0.1", self.proxy.port,
                                                            timeout=60)
                self._conn.request(method, url, body=body or None, headers=hdrs)
                response = self._conn.getresponse()
                data = response.read()
                return response.status, dict(response.getheaders()), data
            except (OSError, http.client.HTTPException):
                self._conn = None
                if attempt == retries - 1:
                    raise
                time.sleep(0.2)

    def _ok(self, what, status, data, accept=(200,)):
        if status not in accept:
            raise RuntimeError(f"S3 {what} answered {status}: {data[:300]!r}")

    # -- bucket -----------------------------------------------------------------------------

    def create(self):
        status, _, data = self.request("PUT")
        self._ok("CreateBucket", status, data, (200, 409))
        return self

    def directory(self):
        """The blobstore's directory for this bucket (for planting only, never for checks)."""
        return os.path.join(self.proxy.blobs, self.name)

    # -- objects ----------------------------------------------------------------------------

    def put(self, key, content):
        status, _, data = self.request("PUT", key, body=content)
        self._ok(f"PutObject {key}", status, data)

    def head(self, key):
        """(size, last modified epoch seconds) or None when there is no object at key."""
        status, headers, data = self.request("HEAD", key)
        if status == 404:
            return None
        self._ok(f"HeadObject {key}", status, data)
        lower = {k.lower(): v for k, v in headers.items()}
        modified = datetime.datetime.strptime(lower["last-modified"],
                                              "%a, %d %b %Y %H:%M:%S GMT")
        return int(lower["content-length"]), modified.replace(
            tzinfo=datetime.timezone.utc).timestamp()

    def get(self, key):
        status, _, data = self.request("GET", key)
        if status == 404:
            return None
        self._ok(f"GetObject {key}", status, data)
        return data

    def delete(self, key):
        status, _, data = self.request("DELETE", key)
        self._ok(f"DeleteObject {key}", status, data, (200, 204))

    def list(self, prefix="", delimiter=None):
        """Every object under prefix as {key: size}, (and common prefixes with a delimiter), page
        by page through ListObjectsV2 with URL-encoded keys."""
        objects, prefixes, token = {}, set(), None
        while True:
            query = {"list-type": "2", "prefix": prefix, "encoding-type": "url",
                     "max-keys": "1000"}
            if delimiter:
                query["delimiter"] = delimiter
            if token:
                query["continuation-token"] = token
            status, _, data = self.request("GET", query=query)
            self._ok("ListObjectsV2", status, data)
            root = ET.fromstring(data)
            for item in root.iter(NS + "Contents"):
                key = urllib.parse.unquote(item.find(NS + "Key").text)
                objects[key] = int(item.find(NS + "Size").text)
            for item in root.iter(NS + "CommonPrefixes"):
                prefixes.add(urllib.parse.unquote(item.find(NS + "Prefix").text))
            truncated = root.find(NS + "IsTruncated")
            if truncated is None or truncated.text != "true":
                break
            token = root.find(NS + "NextContinuationToken").text
        return (objects, prefixes) if delimiter else objects

    def multipart_uploads(self, prefix=""):
        """Keys of the incomplete multipart uploads under prefix (ListMultipartUploads)."""
        status, _, data = self.request("GET", query={"uploads": "", "prefix": prefix})
        self._ok("ListMultipartUploads", status, data)
        root = ET.fromstring(data)
        return [u.find(NS + "Key").text for u in root.iter(NS + "Upload")]

    # -- planting (seeding only) --------------------------------------------------------------

    def plant(self, key, content, age_hours=0.0):
        """Writes an object straight into the blobstore directory with LastModified age_hours ago
        (S3 cannot set it): what an object written that long ago looks like to S3Proxy."""
        path = os.path.join(self.directory(), *key.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        if age_hours:
            t = time.time() - age_hours * 3600
            os.utime(path, (t, t))

    def check_planting(self):
        """Proves that a planted object is an object to S3: listed, HEAD with its size and age, GET
        with its bytes. Returns a list of problems (empty when planting is sound)."""
        problems = []
        key = "reliability-planting-check/a b/old.txt"
        self.plant(key, b"planted", age_hours=50)
        listed = self.list("reliability-planting-check/")
        if listed.get(key) != 7:
            problems.append(f"planted object not listed with its size: {listed}")
        head = self.head(key)
        if head is None or head[0] != 7 or abs(time.time() - 50 * 3600 - head[1]) > 120:
            problems.append(f"planted object's HEAD wrong: {head}")
        if self.get(key) != b"planted":
            problems.append("planted object's bytes wrong")
        self.delete(key)
        if self.head(key) is not None:
            problems.append("planted object not deleted through the API")
        shutil.rmtree(os.path.join(self.directory(), "reliability-planting-check"),
                      ignore_errors=True)
        if problems:
            log("s3: planting check:", problems)
        return problems
