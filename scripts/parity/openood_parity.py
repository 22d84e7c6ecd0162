#!/usr/bin/python3
"""Parity fixtures: OpenOOD v1.5's own postprocessors and compute_all_metrics on a small seeded set.

Usage (Debian: apt-get install python3-torch python3-sklearn python3-scipy python3-faiss):
    git clone https://github.com/Jingkang50/OpenOOD /tmp/OpenOOD   # or any checkout; commit 3c35632 was used
    /usr/bin/python3 scripts/parity/openood_parity.py /tmp/OpenOOD \
        inspect-core/src/test/resources/dev/onnxinspect/ood/parity/openood-parity.tsv 3c35632

OpenOOD's code is imported from the path given (never copied here); tqdm is stubbed when missing (progress bars). Only the postprocessor modules are loaded (not
the package __init__, which imports every method's dependencies); `.cuda()` is a no-op so that the CPU build of torch
runs them. The "network" is a lookup: each data batch is a tensor of sample indices (three equal columns, for ODIN's
per-channel gradient scaling) and the net returns the stored float32 features h and logits z = h W^T + b of those
samples, so OpenOOD and the Java tests read exactly the same float32 inputs. Each set is one batch.

The synthetic set (seed 20261207): K = 4 classes, d = 16 features, h = softplus(mu_c + 0.8 * noise) with
mu_c = 1.5 * |N(0, 1)| per class (positive features, as SCALE needs); 240 labelled fit samples (60 per class), 80 ID
test samples (20 per class), 80 OOD samples h = softplus(N(0.3, 1.3^2)). W = 0.8 (mu_c - mean_c mu_c) + 0.2 N(0, 1) (4 x 16: a classifier that mostly agrees with the labels), b ~ 0.1 N(0, 1).

Output: one line per array, tab-separated: name, shape (comma-separated), values (repr of float64; float32 arrays are
written as the float64 of their float32 value, so they read back exactly). Scores are OpenOOD's "conf" (higher = more
in-distribution), as its postprocessors return them; the Java tests convert to SPEC's sign. Metrics:
metrics.<method> = compute_all_metrics(conf, label, pred) = [fpr, auroc, aupr_in, aupr_out, accuracy] over the ID
test set (label = class) and the OOD set (label = -1).
"""
import importlib
import sys
import types
from types import SimpleNamespace as NS

import numpy as np
import torch
import torch.nn as nn

SEED = 20261207
K, D = 4, 16


def load_openood(root):
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    for name, path in [('openood', root + '/openood'),
                       ('openood.postprocessors', root + '/openood/postprocessors'),
                       ('openood.evaluators', root + '/openood/evaluators'),
                       ('openood.networks', root + '/openood/networks'),
                       ('openood.utils', root + '/openood/utils'),
                       ('openood.preprocessors', root + '/openood/preprocessors')]:
        m = types.ModuleType(name)
        m.__path__ = [path]
        sys.modules[name] = m
    try:
        import tqdm  # noqa: F401 (progress bars only)
    except ImportError:
        stub = types.ModuleType('tqdm')
        stub.tqdm = lambda iterable=None, *a, **k: iterable
        sys.modules['tqdm'] = stub
    comm = types.ModuleType('openood.utils.comm')
    comm.is_main_process = lambda: True
    sys.modules['openood.utils.comm'] = comm
    transform = types.ModuleType('openood.preprocessors.transform')
    transform.normalization_dict = {}
    sys.modules['openood.preprocessors.transform'] = transform
    return lambda mod: importlib.import_module(mod)


def softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def make_data():
    rng = np.random.default_rng(SEED)
    mu = 1.5 * np.abs(rng.standard_normal((K, D)))
    def id_set(per_class):
        h = np.concatenate([softplus(mu[c] + 0.8 * rng.standard_normal((per_class, D))) for c in range(K)])
        y = np.repeat(np.arange(K), per_class)
        return h.astype(np.float32), y
    fit_h, fit_y = id_set(60)
    id_h, id_y = id_set(20)
    ood_h = softplus(0.3 + 1.3 * rng.standard_normal((80, D))).astype(np.float32)
    w = (0.8 * (mu - mu.mean(axis=0)) + 0.2 * rng.standard_normal((K, D))).astype(np.float32)
    b = (0.1 * rng.standard_normal(K)).astype(np.float32)
    return fit_h, fit_y, id_h, id_y, ood_h, w, b


class LookupNet(nn.Module):
    """net(x): the stored logits of the sample indices in x[:, 0]; with return_feature also the features."""

    def __init__(self, h, w, b):
        super().__init__()
        self.fc = nn.Linear(D, K)
        with torch.no_grad():
            self.fc.weight.copy_(torch.from_numpy(w))
            self.fc.bias.copy_(torch.from_numpy(b))
        self.h = torch.from_numpy(h)
        with torch.no_grad():
            self.z = self.fc(self.h)

    def forward(self, x, return_feature=False, return_feature_list=False):
        idx = x[:, 0].detach().long()
        # 0 * x keeps the graph to the input (ODIN differentiates the loss by the input; its noise is 0 here)
        z = self.z[idx].clone() + 0 * x[:, :1]
        h = self.h[idx].clone()
        return (z, h) if return_feature else z

    def get_fc(self):
        return self.fc.weight.detach().numpy(), self.fc.bias.detach().numpy()

    def get_fc_layer(self):
        return self.fc

    def forward_threshold(self, x, threshold):  # ReAct (openood/networks/react_net.py)
        _, feature = self.forward(x, return_feature=True)
        feature = feature.clip(max=threshold)
        return self.fc(feature)


def batch(n, labels=None):
    idx = torch.arange(n, dtype=torch.float32)[:, None].repeat(1, 3)
    return {'data': idx, 'label': torch.from_numpy(labels) if labels is not None else -torch.ones(n, dtype=torch.long)}


class Loader(list):
    def __init__(self, items, n):
        super().__init__(items)
        self.batch_size = n
        self.dataset = range(n)


def config(**args):
    return NS(postprocessor=NS(postprocessor_args=NS(**args), postprocessor_sweep={}), dataset=NS(name='synthetic'))


def main(root, target, version):
    imp = load_openood(root)
    fit_h, fit_y, id_h, id_y, ood_h, w, b = make_data()
    # one net per set: the lookup's indices are per set
    fit_net, id_net, ood_net = LookupNet(fit_h, w, b), LookupNet(id_h, w, b), LookupNet(ood_h, w, b)
    fit_loader = Loader([batch(len(fit_h), fit_y)], len(fit_h))
    loaders = {'train': fit_loader, 'val': fit_loader}
    rows = []

    def put(name, array):
        a = np.asarray(array)
        rows.append(name + '\t' + ','.join(str(s) for s in a.shape) + '\t'
                    + ' '.join(repr(float(v)) for v in a.reshape(-1)))

    put('fit.features', fit_h)
    put('fit.labels', fit_y)
    put('id.features', id_h)
    put('id.labels', id_y)
    put('ood.features', ood_h)
    put('head.weights', w)
    put('head.bias', b)
    put('fit.logits', fit_net.z.numpy())
    put('id.logits', id_net.z.numpy())
    put('ood.logits', ood_net.z.numpy())

    info = imp('openood.postprocessors.info')
    info.num_classes_dict['synthetic'] = K
    metrics = imp('openood.evaluators.metrics')
    ash_net = imp('openood.networks.ash_net')
    scale_net = imp('openood.networks.scale_net')

    def put_scores(name, conf, pred):
        conf = [np.asarray(c, dtype=np.float64).reshape(-1) for c in conf]
        pred = [np.asarray(p).reshape(-1) for p in pred]
        put('id.' + name, conf[0])
        put('ood.' + name, conf[1])
        conf_all = np.concatenate(conf)
        label = np.concatenate([id_y, -np.ones(len(ood_h), dtype=int)])
        put('metrics.' + name, metrics.compute_all_metrics(conf_all, label, np.concatenate(pred)))

    def run(name, post, fit=True):
        if fit:
            post.setup(fit_net, loaders, {})
        out = [post.postprocess(net, batch(len(h))['data']) for net, h in ((id_net, id_h), (ood_net, ood_h))]
        put_scores(name, [o[1] for o in out], [o[0] for o in out])

    pp = 'openood.postprocessors.'
    run('msp', imp(pp + 'base_postprocessor').BasePostprocessor(config()), fit=False)
    run('maxlogit', imp(pp + 'maxlogit_postprocessor').MaxLogitPostprocessor(config()), fit=False)
    run('energy', imp(pp + 'ebo_postprocessor').EBOPostprocessor(config(temperature=1)), fit=False)
    run('odin', imp(pp + 'odin_postprocessor').ODINPostprocessor(config(temperature=1000, noise=0.0)), fit=False)
    run('mds', imp(pp + 'mds_postprocessor').MDSPostprocessor(config()))
    run('knn', imp(pp + 'knn_postprocessor').KNNPostprocessor(config(K=50)))
    vim = imp(pp + 'vim_postprocessor').VIMPostprocessor(config(dim=8))
    run('vim', vim)
    run('react', imp(pp + 'react_postprocessor').ReactPostprocessor(config(percentile=90)))
    dice = imp(pp + 'dice_postprocessor').DICEPostprocessor(config(p=90))
    run('dice', dice)
    for variant in ('ash_b', 'ash_p', 'ash_s'):
        fn = getattr(ash_net, variant)

        class AshNet(LookupNet):
            def forward_threshold(self, x, percentile, fn=fn):  # openood/networks/ash_net.py with this variant
                _, feature = self.forward(x, return_feature=True)
                feature = fn(feature.view(feature.size(0), -1, 1, 1), percentile).view(feature.size(0), -1)
                return self.fc(feature)

        ash = imp(pp + 'ash_postprocessor').ASHPostprocessor(config(percentile=90))
        out = [ash.postprocess(AshNet(h, w, b), batch(len(h))['data']) for h in (id_h, ood_h)]
        put_scores(variant, [o[1].numpy() for o in out], [o[0].numpy() for o in out])

    class ScaleNet(LookupNet):
        def forward_threshold(self, x, percentile):  # openood/networks/scale_net.py
            _, feature = self.forward(x, return_feature=True)
            feature = scale_net.scale(feature.view(feature.size(0), -1, 1, 1), percentile).view(feature.size(0), -1)
            return self.fc(feature)

    scale = imp(pp + 'scale_postprocessor').ScalePostprocessor(config(percentile=85))
    out = [scale.postprocess(ScaleNet(h, w, b), batch(len(h))['data']) for h in (id_h, ood_h)]
    put_scores('scale', [o[1].numpy() for o in out], [o[0].numpy() for o in out])
    # SPEC §5b detectors (their Java tests come with the branches that add them)
    run('gen', imp(pp + 'gen_postprocessor').GENPostprocessor(config(gamma=0.1, M=100)), fit=False)
    run('rmds', imp(pp + 'rmds_postprocessor').RMDSPostprocessor(config()))
    run('fdbd', imp(pp + 'fdbd_postprocessor').fDBDPostprocessor(config(distance_as_normalizer=True)))
    nnguide = imp(pp + 'nnguide_postprocessor').NNGuidePostprocessor(config(K=100, alpha=1.0))
    run('nnguide', nnguide)
    put('nnguide.bank_size', [nnguide.bank_guide.shape[0]])
    run('relation', imp(pp + 'relation_postprocessor').RelationPostprocessor(config(pow=1)))
    real_ones = torch.ones
    torch.ones = lambda *a, **k: real_ones(*a, **{x: v for x, v in k.items() if x != 'device'})
    try:
        ts = imp(pp + 'temp_scaling_postprocessor').TemperatureScalingPostprocessor(config())
    finally:
        torch.ones = real_ones
    run('temp_scaling', ts)
    put('temp_scaling.temperature', [ts.temperature.item()])
    with open(target, 'w') as f:
        f.write('# OpenOOD parity fixtures: scripts/parity/openood_parity.py (OpenOOD ' + version + '), torch '
                + torch.__version__ + ', numpy ' + np.__version__ + '\n')
        f.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    torch.manual_seed(SEED)
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else 'checkout')
