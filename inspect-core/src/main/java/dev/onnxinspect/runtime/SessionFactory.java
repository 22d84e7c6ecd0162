package dev.onnxinspect.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.onnxinspect.OnnxInspectException.Kind;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates ONNX Runtime sessions on the requested {@link Device}: the device logic of {@link InferenceSession}.
 * AUTO tries CUDA and falls back to CPU with one log line saying why; CUDA fails with a message saying how to get
 * a CUDA-capable ONNX Runtime.
 */
final class SessionFactory {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    /** The model, given as a file path or as bytes. */
    interface ModelSource {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;

        String describe();
    }

    /**
     * A created session, the device it runs on and why, and the outputs it hands over in ONNX Runtime's blocked
     * channel layout with their block ({@link ChannelBlocks}; usually none).
     */
    record Created(OrtSession session, Device device, String reason, Map<String, Integer> channelBlocks) {
        Created(OrtSession session, Device device, String reason) {
            this(session, device, reason, Map.of());
        }
    }

    private SessionFactory() {}

    static Created create(ModelSource model, SessionConfig config) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        switch (config.device()) {
            case CPU:
                return cpu(env, model, config, "CPU requested");
            case CUDA: {
                String missing = cudaUnavailableReason();
                if (missing != null) {
                    throw new InferenceException(
                            Kind.UNSUPPORTED,
                            "Device CUDA was requested"
                                    + " but " + missing + ". Use Device.AUTO to"
                                    + " fall back to CPU, or put the CUDA build of ONNX Runtime (artifact"
                                    + " onnxruntime_gpu,"
                                    + " Maven profile -Pcuda) and CUDA 12 / cuDNN 9 on the machine.");
                }
                return new Created(createOn(env, model, config, true), Device.CUDA, "CUDA requested");
            }
            case AUTO:
            default: {
                String missing = cudaUnavailableReason();
                if (missing != null) {
                    String reason = "Device AUTO uses CPU because " + missing;
                    LOG.info(reason);
                    return cpu(env, model, config, reason);
                }
                try {
                    return new Created(
                            createOn(env, model, config, true), Device.CUDA, "CUDA execution provider" + " loaded");
                } catch (InferenceException e) {
                    String reason =
                            "Device AUTO uses CPU because the CUDA execution provider failed: " + e.getMessage();
                    LOG.info(reason);
                    return cpu(env, model, config, reason);
                }
            }
        }
    }

    /** Why CUDA cannot be used, or null when the CUDA provider library loads. */
    private static String cudaUnavailableReason() {
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        if (!providers.contains(OrtProvider.CUDA)) {
            return "the CPU build of ONNX Runtime is on the classpath (available execution providers: " + providers
                    + ")";
        }
        try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
            probe.addCUDA();
            return null;
        } catch (OrtException e) {
            return "the CUDA execution provider failed to load: " + e.getMessage();
        }
    }

    /** A CPU session: on the rewritten model when blocked channel outputs are asked for and there are any. */
    private static Created cpu(OrtEnvironment env, ModelSource model, SessionConfig config, String reason) {
        if (config.blockedChannels() && config.optimization() == SessionConfig.Optimization.ALL) {
            Optional<ChannelBlocks.Blocked> blocked = ChannelBlocks.open(env, model, config);
            if (blocked.isPresent()) {
                LOG.debug(
                        "{}: outputs {} are handed over in blocked channel layout",
                        model.describe(),
                        blocked.get().blocks().keySet());
                return new Created(
                        blocked.get().session(),
                        Device.CPU,
                        reason,
                        blocked.get().blocks());
            }
        }
        return new Created(createOn(env, model, config, false), Device.CPU, reason);
    }

    private static OrtSession createOn(OrtEnvironment env, ModelSource model, SessionConfig config, boolean cuda) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(config.interOpThreads());
            options.setOptimizationLevel(optLevel(config.optimization()));
            if (!config.spinning()) {
                options.addConfigEntry("session.intra_op.allow_spinning", "0");
                options.addConfigEntry("session.inter_op.allow_spinning", "0");
            }
            if (cuda) {
                options.addCUDA();
            }
            return model.create(env, options);
        } catch (OrtException e) {
            throw new InferenceException(
                    "ONNX Runtime cannot open " + model.describe() + " on " + (cuda ? "CUDA" : "CPU") + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static OrtSession.SessionOptions.OptLevel optLevel(SessionConfig.Optimization optimization) {
        switch (optimization) {
            case DISABLED:
                return OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC:
                return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED:
                return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL:
            default:
                return OrtSession.SessionOptions.OptLevel.ALL_OPT;
        }
    }
}
