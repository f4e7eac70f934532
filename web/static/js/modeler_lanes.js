/*
 * "Add a lane for a role": a manager gives work to a role the diagram has no lane for yet. A lane
 * names its role (the engine reads the lane's name). The new lane goes below the lowest lane of
 * the executable process (our diagrams put lanes straight in the process, with no pool; a diagram
 * from another tool may have a pool), as wide as the lanes there; a diagram with no lane yet gets
 * one lane around everything its process draws. Every step goes through bpmn-js's modeling API, all
 * of them in one command (panel.inOneStep): one undo removes the lane with its name, one redo puts
 * it back. The draft is saved, validated and revision-checked like any other edit.
 * window.CaseworkLanes(modeler, panel, box) with panel = CaseworkPanel(...); #lane-role lists the
 * roles that have no lane, #lane-add adds one and selects it; the panel's lane pick list of a node
 * offers the same roles ("new lane: role"), adding the lane and moving the node into it.
 */
(function () {
  'use strict';
  var MARGIN = 40;

  function isLane(e) { return e.type === 'bpmn:Lane'; }
  function horizontal(shape) { return !shape.di || shape.di.isHorizontal !== false; }

  window.CaseworkLanes = function (modeler, panel, box) {
    var registry = modeler.get('elementRegistry');
    var modeling = modeler.get('modeling');
    var canvas = modeler.get('canvas');
    var select = box.querySelector('#lane-role');
    var button = box.querySelector('#lane-add');

    // the pool of the executable process, or the process itself (the canvas root)
    function lanesRoot() {
      var root = canvas.getRootElement();
      if (root.type !== 'bpmn:Collaboration') { return root; }
      var pools = registry.filter(function (e) {
        return e.type === 'bpmn:Participant' && e.businessObject.processRef;
      });
      return pools.filter(function (p) { return p.businessObject.processRef.isExecutable; })[0] || pools[0] || null;
    }

    function lanesOf(root) {
      return registry.filter(function (e) {
        if (!isLane(e)) { return false; }
        var up = e.parent;
        while (up && isLane(up)) { up = up.parent; }
        return up === root;
      });
    }

    function missingRoles() {
      var root = lanesRoot();
      var named = root ? lanesOf(root).map(function (l) { return (l.businessObject.name || '').trim(); }) : [];
      return panel.roles().filter(function (r) { return named.indexOf(r.code) === -1; });
    }

    function refresh() {
      var roles = missingRoles(), before = select.value;
      select.textContent = '';
      roles.forEach(function (r) {
        var option = document.createElement('option');
        option.value = r.code;
        option.textContent = panel.roleLabel(r.code);
        option.selected = r.code === before;
        select.appendChild(option);
      });
      button.disabled = !lanesRoot() || !roles.length;
      box.setAttribute('data-roles', roles.map(function (r) { return r.code; }).join(' '));
    }

    // the first lane of a diagram without lanes: around everything the process draws
    function firstLane(root) {
      if (root.type === 'bpmn:Participant') {
        modeling.splitLane(root, 1);
        return lanesOf(root)[0];
      }
      var shapes = registry.filter(function (e) {
        return e !== root && !e.waypoints && e.type !== 'label' && e.parent === root;
      });
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      shapes.forEach(function (s) {
        x0 = Math.min(x0, s.x); y0 = Math.min(y0, s.y);
        x1 = Math.max(x1, s.x + s.width); y1 = Math.max(y1, s.y + s.height);
      });
      if (!shapes.length) { x0 = 0; y0 = 0; x1 = 600; y1 = 120; }
      return modeling.createShape({ type: 'bpmn:Lane', isHorizontal: true },
        { x: x0 - MARGIN, y: y0 - MARGIN, width: x1 - x0 + 2 * MARGIN, height: y1 - y0 + 2 * MARGIN }, root);
    }

    // options.keepSelection: the caller (the panel's lane pick list) keeps its element selected
    function addLane(role, options) {
      var root = lanesRoot();
      if (!root || !role) { return null; }
      var lane = panel.inOneStep(function () {
        var top = lanesOf(root).filter(function (l) { return l.parent === root; });
        var added;
        if (!top.length) {
          added = firstLane(root);
        } else {
          var last = top.reduce(function (a, b) {
            return horizontal(b) ? (b.y + b.height > a.y + a.height ? b : a) : (b.x + b.width > a.x + a.width ? b : a);
          });
          added = modeling.addLane(last, 'bottom');  // 'bottom' is 'right' for vertical lanes
        }
        modeling.updateProperties(added, { name: role });
        return added;
      });
      if (!(options && options.keepSelection)) { modeler.get('selection').select(lane); }
      canvas.scrollToElement(lane);
      return lane;
    }

    button.addEventListener('click', function () { addLane(select.value); });
    modeler.on('commandStack.changed', refresh);
    modeler.on('import.done', refresh);
    refresh();
    var api = { add: addLane, missing: missingRoles, refresh: refresh };
    panel.useLanes(api);
    return api;
  };
}());
