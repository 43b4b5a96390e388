/**
 * A small force-directed layout (Fruchterman–Reingold) for graphs of at most a few dozen identities. It starts
 * from a circle in key order and has no randomness, so the same graph is always drawn the same way and a replay
 * step moves only what changed. Edges are `[a, b, weight?]`: removed links pull weakly, so the two sides of a
 * split stay apart.
 */
export function layoutGraph(keys, edges, { width = 640, height = 400, padding = 48, iterations = 240 } = {}) {
  const nodes = [...keys].sort();
  const positions = new Map();
  if (nodes.length === 0) return positions;
  if (nodes.length === 1) return positions.set(nodes[0], { x: width / 2, y: height / 2 });
  const state = initialCircle(nodes, width, height);
  const ideal = Math.sqrt((width * height) / nodes.length) * 0.75;
  const pairs = edges.filter(([a, b]) => state.has(a) && state.has(b) && a !== b);
  for (let step = 0; step < iterations; step += 1) {
    const temperature = (width / 10) * (1 - step / iterations);
    applyForces(nodes, pairs, state, ideal, temperature, { width, height });
  }
  return fitInto(state, width, height, padding);
}

function initialCircle(nodes, width, height) {
  const state = new Map();
  const radius = Math.min(width, height) / 3;
  nodes.forEach((key, index) => {
    const angle = (2 * Math.PI * index) / nodes.length;
    state.set(key, { x: width / 2 + radius * Math.cos(angle), y: height / 2 + radius * Math.sin(angle) });
  });
  return state;
}

function applyForces(nodes, pairs, state, ideal, temperature, size) {
  const shift = new Map(nodes.map((key) => [key, { x: 0, y: 0 }]));
  for (let i = 0; i < nodes.length; i += 1) {
    for (let j = i + 1; j < nodes.length; j += 1) {
      push(state, shift, nodes[i], nodes[j], (distance) => (ideal * ideal) / distance);
    }
  }
  for (const [a, b, weight = 1] of pairs) push(state, shift, a, b, (distance) => -(weight * distance * distance) / ideal);
  for (const key of nodes) {
    const p = state.get(key);
    const d = shift.get(key);
    // A gentle pull to the centre keeps separate components (simulator results) on screen.
    d.x += (size.width / 2 - p.x) * 0.05;
    d.y += (size.height / 2 - p.y) * 0.05;
    const length = Math.hypot(d.x, d.y) || 1;
    const limited = Math.min(length, temperature);
    p.x += (d.x / length) * limited;
    p.y += (d.y / length) * limited;
  }
}

/** Adds the force between a and b (positive: apart) to both nodes' shifts. */
function push(state, shift, a, b, force) {
  const pa = state.get(a);
  const pb = state.get(b);
  let dx = pa.x - pb.x;
  let dy = pa.y - pb.y;
  if (dx === 0 && dy === 0) {
    dx = 0.01;
    dy = 0.01;
  }
  const distance = Math.max(Math.hypot(dx, dy), 0.01);
  const f = force(distance);
  const fx = (dx / distance) * f;
  const fy = (dy / distance) * f;
  shift.get(a).x += fx;
  shift.get(a).y += fy;
  shift.get(b).x -= fx;
  shift.get(b).y -= fy;
}

function fitInto(state, width, height, padding) {
  const xs = [...state.values()].map((p) => p.x);
  const ys = [...state.values()].map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((width - 2 * padding) / (maxX - minX || 1), (height - 2 * padding) / (maxY - minY || 1));
  const offsetX = (width - (maxX - minX) * scale) / 2;
  const offsetY = (height - (maxY - minY) * scale) / 2;
  const fitted = new Map();
  for (const [key, p] of state) {
    fitted.set(key, { x: offsetX + (p.x - minX) * scale, y: offsetY + (p.y - minY) * scale });
  }
  return fitted;
}
