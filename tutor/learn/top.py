"""Fine-tuned top layers plus a head: the trainable part of a learned model.

A learned model is `TopModel(base, layers=k, outputs=n)`: copies of the base
model's last k layers (the starting point of fine-tuning) and a linear head on
[the [CLS] state, the mean of the pooled tokens]. The frozen bottom runs in
`BaseEncoder.bottom`; this module runs what comes after it.
"""

from __future__ import annotations

from tutor.learn.encoder import BaseEncoder, _torch, attention_bias, build_layer


def make_top_model(base: BaseEncoder, layers: int, outputs: int, extra: int = 0):
    """`extra`: features appended to the pooled states before the head (e.g. rule flags)."""
    torch = _torch()
    nn = torch.nn

    class TopModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.first_layer = base.config.layers - layers
            self.layers = nn.ModuleList()
            for index in range(self.first_layer, base.config.layers):
                layer = build_layer(base.config)
                layer.load_state_dict(base.layer_weights(index))
                self.layers.append(layer)
            hidden = base.config.hidden
            self.dropout = nn.Dropout(0.1)
            self.head = nn.Linear(2 * hidden + extra, outputs)

        def states(self, x, mask):
            """Hidden states after the fine-tuned layers: (B, T, H)."""
            bias = attention_bias(mask)
            for layer in self.layers:
                x = layer(x, bias)
            return x

        def pooled(self, states, pool_mask):
            """[CLS] state and the mean over `pool_mask` (B, T) of each row: (B, 2H)."""
            weights = pool_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.cat([states[:, 0], mean], dim=-1)

        def logits(self, features):
            return self.head(self.dropout(features))

    return TopModel()
