package org.quicmesh.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quicmesh.identity.Keypair;

/**
 * Cost of checking one Ed25519 signature over a gossip-sized message (about 330 signed bytes): as the router does it
 * ({@link Keypair#verify}, the origin's key decoded once and kept), against decoding the key for every message (the
 * way it was done until 2026-12-02: a validity check, then a fresh key and signer). Run:
 * {@code ./quicmesh bench jmh SignatureBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureBench {
  private byte[] publicKey;
  private byte[] message;
  private byte[] signature;

  @Setup
  public void setup() {
    Keypair origin = Keypair.generate();
    message = new byte[330];
    new Random(1).nextBytes(message);
    publicKey = origin.publicKey();
    signature = origin.sign(message);
  }

  @Benchmark
  public boolean verify() {
    return Keypair.verify(publicKey, message, signature);
  }

  @Benchmark
  public boolean verifyDecodingTheKeyEachTime() {
    if (!Ed25519.validatePublicKeyPartial(publicKey, 0)) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }
}
