package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS for HEC: the JVM's trusted CAs, or only those of a PEM bundle. Verification is never turned off. */
final class HecTls {
  private HecTls() {}

  /** An SSL context trusting exactly the certificates in {@code pem} (one or more PEM blocks). */
  static SSLContext trusting(Path pem) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pem)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot read hec.ca-bundle %s: no such file", pem);
    } catch (IOException | GeneralSecurityException e) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot read hec.ca-bundle %s as PEM certificates: %s",
          pem, e.getMessage());
    }
    if (certs.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_CA_BUNDLE, "Cannot use hec.ca-bundle %s: it holds no certificate",
          pem);
    }
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot build a TLS context from %s", pem);
    }
  }
}
